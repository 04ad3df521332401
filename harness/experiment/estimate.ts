// What a plan will cost before it runs: disk for the distinct models it needs, and time at a
// given device read bandwidth — every routed expert byte read from the device (the I/O-bound
// case; caches only make runs faster), plus writing each model once. Pure.
import type { ModelSpec, Plan } from "./plan.ts";

export interface Estimate {
  models: { model: ModelSpec; bytes: number }[];   // distinct models (generated once, cached)
  diskBytes: number;
  routedBytesPerToken: number[];                    // per run, in run order
  runSeconds: number;
  generateSeconds: number;
  totalSeconds: number;
}

export function modelBytes(m: ModelSpec): number {
  return m.layers * m.layerFileBytes + m.residentBytes;
}

export function estimate(plan: Plan, readBytesPerS: number): Estimate {
  const models = new Map<string, { model: ModelSpec; bytes: number }>();
  for (const r of plan.runs) {
    const m = r.model;
    const id = JSON.stringify([m.preset, m.layers, m.bits, m.seed, m.import ?? null]);
    // An imported model's layer files are linked, not written: only resident weights are new.
    if (!models.has(id)) models.set(id, { model: m, bytes: m.import ? m.residentBytes : modelBytes(m) });
  }
  const routedBytesPerToken = plan.runs.map((r) => r.model.layers * r.workload.k * r.model.recordBytes);
  const runSeconds = plan.runs.reduce((t, r, i) => t + (r.workload.tokens * routedBytesPerToken[i]!) / readBytesPerS, 0);
  const diskBytes = [...models.values()].reduce((t, m) => t + m.bytes, 0);
  const generateSeconds = diskBytes / readBytesPerS;   // writing at about the read bandwidth
  return { models: [...models.values()], diskBytes, routedBytesPerToken, runSeconds, generateSeconds, totalSeconds: runSeconds + generateSeconds };
}
