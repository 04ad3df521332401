// Device read bandwidth on the model files measured right before and right after a sweep (the
// quick probe), so that a machine that changed under the sweep — a busier disk, a throttled
// device — shows as drift beside the results. Appended to drift.jsonl in the result directory.

import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { Measurement } from "../probe/machine-profile.ts";
import { quickProbe } from "../probe/quick-probe.ts";

export const DRIFT_JSONL = "drift.jsonl";

export interface ProbeTarget {
  modelDir: string;
  recordBytes: number;
  parallelism: number[];
}

export interface DriftChange {
  modelDir: string;
  mode: string;
  parallelism: number;
  beforeGbps: number;
  afterGbps: number | null;
  change: number | null;       // after / before − 1
}

export interface DriftEntry {
  before: { at: string; measurements: Measurement[] };
  after: { at: string; measurements: Measurement[] } | null; // null: the sweep was interrupted
  changes: DriftChange[];
}

export async function probeTargets(targets: readonly ProbeTarget[], samples = 3): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const t of targets) out.push(...(await quickProbe({ modelDir: t.modelDir, recordBytes: t.recordBytes, parallelism: t.parallelism, samples })).measurements);
  return out;
}

export function driftOf(before: readonly Measurement[], after: readonly Measurement[] | null): DriftChange[] {
  const key = (m: Measurement) => `${m.target} ${m.params.mode} ${m.params.parallelism} ${m.params.recordBytes}`;
  const later = new Map((after ?? []).map((m) => [key(m), m.value]));
  return before.map((m) => {
    const afterGbps = later.get(key(m)) ?? null;
    return {
      modelDir: m.target ?? "",
      mode: String(m.params.mode),
      parallelism: Number(m.params.parallelism),
      beforeGbps: m.value,
      afterGbps,
      change: afterGbps === null || m.value <= 0 ? null : afterGbps / m.value - 1,
    };
  });
}

export function appendDrift(resultDir: string, entry: DriftEntry): void {
  appendFileSync(join(resultDir, DRIFT_JSONL), `${JSON.stringify(entry)}\n`);
}

export function describeDrift(changes: readonly DriftChange[]): string[] {
  return changes.map((c) => `device read drift over the sweep: ${c.mode}, ${c.parallelism} in flight: ${c.beforeGbps.toFixed(2)} → ` +
    `${c.afterGbps === null ? "not measured" : `${c.afterGbps.toFixed(2)} GB/s (${c.change! >= 0 ? "+" : ""}${(c.change! * 100).toFixed(1)} %)`}`);
}
