// The full machine probe behind `bun run probe`: device, page-cache, memory and kernel figures
// written into the machine profile with the plan it completed. Cached per machine: a profile that
// completed the same plan on the same machine is returned as it is unless `refresh`.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, ensureModel, library } from "../../ffi/index.ts";
import { defaultModelRoot } from "../../ffi/models.ts";
import { machineContext, type MachineContext } from "../results/machine-context.ts";
import { probeDeviceReads, probePageCacheReads, probeReadahead } from "./device-probe.ts";
import { probeMmapDeviceReads, probeMmapPageCacheReads } from "./mmap-probe.ts";
import { PROFILE_VERSION, readProfile, upsertMeasurements, writeProfile, type MachineProfile, type Measurement } from "./machine-profile.ts";
import { probeKernels, probeMemory } from "./memory-probe.ts";
import { defaultPlan, samePlan, type ProbePlan } from "./probe-plan.ts";

export const PROBE_PRESET = "qwen3.5-397b-a17b";
export const PROBE_TOOL = "tierbench probe";

export interface FullProbeOptions {
  profilePath: string;
  refresh?: boolean;
  /** model directories to probe on (their record sizes make the plan); default: a one-layer
   * model of PROBE_PRESET at 2 and 4 bits from the model cache, generated once */
  modelDirs?: string[];
  plan?: Partial<ProbePlan>;
  note?: (line: string) => void;
}

export interface FullProbeResult {
  profile: MachineProfile;
  probed: boolean;              // false: the cached profile was up to date
  skipped: { what: string; reason: string }[];
}

/** The same hardware: a profile measured elsewhere (or before an upgrade) is not reused. */
export function sameMachine(a: MachineContext, b: MachineContext): boolean {
  return a.hostname === b.hostname && a.cpuModel === b.cpuModel && a.cores === b.cores && a.ramBytes === b.ramBytes &&
    (a.storage?.device ?? null) === (b.storage?.device ?? null) && (a.storage?.model ?? null) === (b.storage?.model ?? null);
}

const recordSizeOf = (dir: string) => (JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { record_size: number }).record_size;

async function probeModels(o: FullProbeOptions): Promise<{ dir: string; recordBytes: number }[]> {
  if (o.modelDirs?.length) return o.modelDirs.map((dir) => ({ dir, recordBytes: recordSizeOf(dir) }));
  const out = [];
  for (const bits of [2, 4]) {
    const m = await ensureModel({ preset: PROBE_PRESET, geometry: { layers: 1 }, bits }, {
      onProgress: (f) => o.note?.(`  generating a one-layer ${bits}-bit ${PROBE_PRESET} model to probe on: ${(100 * f).toFixed(0)} %`),
    });
    out.push({ dir: m.dir, recordBytes: recordSizeOf(m.dir) });
  }
  return out;
}

/** The plan for these record sizes on this machine (record sizes known without generating). */
export function planFor(o: FullProbeOptions, cores: number): ProbePlan {
  const sizes = o.modelDirs?.length
    ? o.modelDirs.map(recordSizeOf)
    : ["2", "4"].map((b) => describe(library()).presets.find((p) => p.name === PROBE_PRESET)!.record_bytes[b as "2" | "4"]);
  return { ...defaultPlan(sizes, cores), ...o.plan };
}

/** The nearest existing directory at or above `path` (its file system is the one it will use). */
function existing(path: string): string {
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  return path;
}

export async function fullProbe(o: FullProbeOptions): Promise<FullProbeResult> {
  const note = o.note ?? (() => {});
  const here = machineContext(o.modelDirs?.[0] ?? existing(defaultModelRoot()));
  const plan = planFor(o, here.cores);
  const cached = readProfile(o.profilePath);
  if (!o.refresh && cached?.probe && samePlan(cached.probe.plan, plan) && sameMachine(cached.machine, here))
    return { profile: cached, probed: false, skipped: [] };

  const models = await probeModels(o);
  const machine = machineContext(models[0]!.dir);
  const fresh: Measurement[] = [];
  const skipped: FullProbeResult["skipped"] = [];
  for (const { dir, recordBytes } of models) {
    const io = { modelDir: dir, recordBytes, samples: plan.samples, sampleSeconds: plan.sampleSeconds, note };
    note(`device reads, ${recordBytes}-byte records (${dir})`);
    const dev = probeDeviceReads({ ...io, parallelism: plan.parallelism });
    note(`page-cache reads, ${recordBytes}-byte records`);
    const pc = probePageCacheReads({ ...io, parallelism: plan.cacheParallelism });
    note(`readahead (fadvise normal), ${recordBytes}-byte records`);
    const ra = probeReadahead({ ...io, parallelism: plan.readaheadParallelism });
    note(`reads through page faults (mmap), ${recordBytes}-byte records`);
    const mdev = probeMmapDeviceReads({ ...io, parallelism: plan.mmapParallelism });
    const mpc = probeMmapPageCacheReads({ ...io, parallelism: plan.mmapCacheParallelism });
    const parts = [dev, pc, ra, mdev, mpc];
    fresh.push(...parts.flatMap((p) => p.measurements));
    skipped.push(...parts.flatMap((p) => p.skipped));
  }
  note(`memory copy and read, ${plan.threads.join("/")} threads`);
  fresh.push(...probeMemory({ threads: plan.threads, samples: plan.samples, mib: plan.memoryMib }));
  note(`kernels, ${plan.kernelBits.join("/")} bits, ${[1, Math.max(...plan.threads)].join("/")} threads`);
  fresh.push(...probeKernels({ maxThreads: Math.max(...plan.threads), samples: plan.samples, mib: plan.kernelMib }));

  const base: MachineProfile = cached && sameMachine(cached.machine, machine) ? cached : { version: PROFILE_VERSION, machine, measurements: [] };
  const profile: MachineProfile = {
    ...upsertMeasurements({ ...base, machine }, fresh),
    probe: { tool: PROBE_TOOL, plan: { ...plan }, completedAt: new Date().toISOString() },
  };
  writeProfile(o.profilePath, profile);
  return { profile, probed: true, skipped };
}
