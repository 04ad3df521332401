// The ceilings a report or a prediction reads from a machine profile, by name: device reads for
// a record size and parallelism, page-cache reads, memory bandwidth, kernel throughput. Each
// lookup falls back to the nearest figure measured (or published) and says which it used.

import type { MachineProfile, Measurement } from "./machine-profile.ts";

export interface Figure {
  gbps: number;
  measurement: Measurement;     // the figure used
  exact: boolean;               // false: a neighbour (another parallelism, record size or threads)
}

const num = (m: Measurement, k: string) => (typeof m.params[k] === "number" ? (m.params[k] as number) : undefined);

/** The figure whose numeric params are nearest to `want` (log distance: 4 is as near 8 as 2),
 * among measurements of `what` that match every string param of `want`. */
function nearest(profile: MachineProfile | null, what: string, want: Record<string, number | string>): Figure | null {
  const pool = (profile?.measurements ?? []).filter((m) => m.what === what && m.unit === "GB/s" &&
    Object.entries(want).every(([k, v]) => typeof v !== "string" || m.params[k] === undefined || m.params[k] === v));
  let best: { m: Measurement; d: number } | null = null;
  for (const m of pool) {
    let d = 0;
    for (const [k, v] of Object.entries(want)) {
      const have = num(m, k);
      if (typeof v === "number" && have !== undefined) d += Math.abs(Math.log2(Math.max(have, 1) / Math.max(v, 1)));
    }
    if (!best || d < best.d || (d === best.d && m.value > best.m.value)) best = { m, d };
  }
  return best && { gbps: best.m.value, measurement: best.m, exact: best.d === 0 };
}

export type DeviceMode = "direct" | "buffered-cold";

export const deviceReadGbps = (p: MachineProfile | null, recordBytes: number, parallelism: number, mode: DeviceMode) =>
  nearest(p, "device_read", { recordBytes, parallelism, mode });

export const pageCacheReadGbps = (p: MachineProfile | null, recordBytes: number, parallelism: number) =>
  nearest(p, "page_cache_read", { recordBytes, parallelism });

export const memoryGbps = (p: MachineProfile | null, op: "copy" | "read", threads: number) =>
  nearest(p, `memory_${op}`, { threads });

/** The fastest kernel variant at `bits` and the nearest thread count. */
export function kernelGbps(p: MachineProfile | null, bits: number, threads: number): Figure | null {
  const variants = new Set((p?.measurements ?? []).filter((m) => m.what === "kernel").map((m) => String(m.params.variant)));
  let best: Figure | null = null;
  for (const variant of variants) {
    const f = nearest(p, "kernel", { bits, threads, variant });
    if (f && (!best || f.gbps > best.gbps)) best = f;
  }
  return best;
}
