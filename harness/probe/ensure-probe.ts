// Makes sure the machine profile holds cold device read bandwidth for a record size at the
// given parallelism (running the quick probe for what is missing), and snapshots the profile
// into a result directory so its report never depends on the machine's current file.

import { join } from "node:path";
import { existsSync, writeFileSync } from "node:fs";
import { machineContext } from "../results/machine-context.ts";
import { measurementKey, PROFILE_VERSION, readProfile, upsertMeasurements, writeProfile, type MachineProfile } from "./machine-profile.ts";
import { quickProbe, type QuickProbeOptions, type ReadMode } from "./quick-probe.ts";

export const PROFILE_SNAPSHOT = "profile.json";
const MODES: ReadMode[] = ["direct", "buffered-cold"];

export async function ensureQuickProbe(o: {
  profilePath: string;
  modelDir: string;
  recordBytes: number;
  parallelism: readonly number[];
  refresh?: boolean;                  // measure again even if present
  sampling?: Pick<QuickProbeOptions, "samples" | "sampleSeconds">; // default: quickProbe's
  note?: (line: string) => void;
}): Promise<MachineProfile> {
  let profile: MachineProfile = readProfile(o.profilePath) ?? { version: PROFILE_VERSION, machine: machineContext(o.modelDir), measurements: [] };
  const have = new Set(profile.measurements.map(measurementKey));
  const parallel = [...new Set(o.parallelism)].filter((p) => o.refresh ||
    MODES.some((mode) => !have.has(measurementKey({ what: "device_read", params: { recordBytes: o.recordBytes, parallelism: p, mode } }))));
  if (parallel.length === 0) return profile;

  o.note?.(`probing device read bandwidth: ${o.recordBytes}-byte records, ${parallel.join("/")} in flight, direct and buffered-cold`);
  const { measurements, skipped } = await quickProbe({ modelDir: o.modelDir, recordBytes: o.recordBytes, parallelism: parallel, ...o.sampling });
  for (const s of skipped) o.note?.(`  ${s.mode} reads not probed: ${s.reason}`);
  for (const m of measurements) o.note?.(`  ${m.params.mode}, ${m.params.parallelism} in flight: ${m.value.toFixed(2)} GB/s`);
  profile = upsertMeasurements({ ...profile, machine: machineContext(o.modelDir) }, measurements);
  writeProfile(o.profilePath, profile);
  return profile;
}

/** Keeps the first snapshot: a resumed result set stays judged against the same ceilings. */
export function snapshotProfile(dir: string, profile: MachineProfile): void {
  const path = join(dir, PROFILE_SNAPSHOT);
  if (!existsSync(path)) writeFileSync(path, `${JSON.stringify(profile, null, 2)}\n`);
}
