// The rates a machine profile gives the time model — device reads by record size, parallelism
// and mode, page-cache reads, kernel throughput — each with the measurement it rests on, so
// every ceiling and prediction can say where its numbers came from.

import type { MachineProfile, Measurement } from "../probe/machine-profile.ts";

/** A bandwidth in GB/s (1e9 bytes per second) and how it was obtained. */
export interface Rate {
  gbps: number;
  basis: string;        // e.g. "direct, 4 in flight, 3.93 MB records (tierbench quick probe)"
  exact: boolean;       // false: another record size or parallelism stood in, or two were interpolated
  sources: string[];    // citations of the measurements used (hand-written profiles)
}

export type ColdMode = "direct" | "buffered-cold";

// Names read from the profile (harness/probe writes them; hand-written profiles use them too):
//   device_read     { recordBytes, parallelism, mode: direct | buffered-cold | buffered-warm,
//                     pattern?: "sequential" }  — buffered-warm is a page-cache read
//   page_cache_read { recordBytes, parallelism }
//   kernel          { bits, threads, backend? }  — GB/s of quantized weight bytes through the
//                                                  expert FFN kernels (backend "cpu" if absent)
//   dense_layer     { preset, backend }          — ms per layer of a model's dense part, for
//                                                  machines whose kernels are not probed (GPUs)
const WARM = "buffered-warm";

const num = (m: Measurement, k: string) => (typeof m.params[k] === "number" ? (m.params[k] as number) : Number(m.params[k]));
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const describe = (m: Measurement) => {
  const p = m.params;
  const what = [p.mode, p.pattern, p.parallelism !== undefined ? `${p.parallelism} in flight` : "", p.recordBytes ? `${mb(Number(p.recordBytes))} records` : ""]
    .filter(Boolean)
    .join(", ");
  return `${what} (${m.tool})`;
};
const sourcesOf = (...ms: Measurement[]) => ms.flatMap((m) => (m.source ? [m.source] : []));

/** Among reads of one kind, the one for this record size (else the nearest size, by ratio) at
 * this parallelism: exact, interpolated between the measured neighbours, or the nearest one. */
function pickRead(pool: Measurement[], recordBytes: number, parallelism: number): Rate | null {
  if (pool.length === 0) return null;
  const dist = (m: Measurement) => Math.abs(Math.log(num(m, "recordBytes") / recordBytes));
  const best = Math.min(...pool.map(dist));
  const same = pool.filter((m) => dist(m) === best).sort((a, b) => num(a, "parallelism") - num(b, "parallelism"));
  const sizeExact = best === 0;
  const sizeNote = sizeExact ? "" : `; measured on ${mb(num(same[0]!, "recordBytes"))} records, not ${mb(recordBytes)}`;
  const hit = same.find((m) => num(m, "parallelism") === parallelism);
  if (hit) return { gbps: hit.value, basis: describe(hit) + sizeNote, exact: sizeExact, sources: sourcesOf(hit) };
  const lo = [...same].reverse().find((m) => num(m, "parallelism") < parallelism);
  const hi = same.find((m) => num(m, "parallelism") > parallelism);
  if (lo && hi) {
    const f = (parallelism - num(lo, "parallelism")) / (num(hi, "parallelism") - num(lo, "parallelism"));
    return {
      gbps: lo.value + f * (hi.value - lo.value),
      basis: `interpolated to ${parallelism} in flight between ${describe(lo)} and ${num(hi, "parallelism")} in flight${sizeNote}`,
      exact: false,
      sources: sourcesOf(lo, hi),
    };
  }
  const near = lo ?? hi!;
  return { gbps: near.value, basis: `${describe(near)}, standing in for ${parallelism} in flight${sizeNote}`, exact: false, sources: sourcesOf(near) };
}

export interface MachineRates {
  /** Cold reads of records from the device (random offsets). */
  deviceRead(recordBytes: number, parallelism: number, mode: ColdMode): Rate | null;
  /** The best device read bandwidth the profile holds, any size, mode or pattern: the paper's
   * kind of ceiling (its 17.5 GB/s was a sequential read). */
  peakDeviceRead(): Rate | null;
  /** Buffered reads of records wholly resident in the page cache (kernel copies). */
  pageCacheRead(recordBytes: number, parallelism: number): Rate | null;
  /** Expert-kernel throughput in GB/s of quantized bytes, for this bit width. */
  kernel(bits: number, threads: number, backend: string): Rate | null;
  /** Seconds per layer of a preset's dense part, where a profile states it. */
  denseLayerS(preset: string, backend: string): { s: number; basis: string; sources: string[] } | null;
}

export function machineRates(profile: MachineProfile | null): MachineRates {
  const all = profile?.measurements ?? [];
  const gbps = all.filter((m) => m.unit === "GB/s");
  const device = gbps.filter((m) => m.what === "device_read" && m.params.mode !== WARM);
  const random = device.filter((m) => m.params.pattern !== "sequential");
  const warm = gbps.filter((m) => m.what === "page_cache_read" || (m.what === "device_read" && m.params.mode === WARM));

  return {
    deviceRead(recordBytes, parallelism, mode) {
      const same = random.filter((m) => m.params.mode === mode);
      if (same.length) return pickRead(same, recordBytes, parallelism);
      // Direct and buffered-cold reads both come from the device; one stands in for the other.
      const other = pickRead(random, recordBytes, parallelism);
      return other && { ...other, basis: `${other.basis}; no ${mode} reads measured`, exact: false };
    },
    peakDeviceRead() {
      if (device.length === 0) return null;
      const best = device.reduce((a, b) => (b.value > a.value ? b : a));
      return { gbps: best.value, basis: describe(best), exact: true, sources: sourcesOf(best) };
    },
    pageCacheRead(recordBytes, parallelism) {
      return pickRead(warm, recordBytes, parallelism);
    },
    kernel(bits, threads, backend) {
      const pool = gbps
        .filter((m) => m.what === "kernel" && num(m, "bits") === bits && String(m.params.backend ?? "cpu") === backend)
        .sort((a, b) => num(a, "threads") - num(b, "threads"));
      if (pool.length === 0) return null;
      const hit = pool.find((m) => num(m, "threads") === threads);
      const pick = hit ?? [...pool].reverse().find((m) => num(m, "threads") < threads) ?? pool[0]!;
      const basis = `${bits}-bit ${backend} kernels, ${pick.params.threads} thread${num(pick, "threads") === 1 ? "" : "s"} (${pick.tool})`;
      return { gbps: pick.value, basis: hit ? basis : `${basis}, standing in for ${threads}`, exact: Boolean(hit), sources: sourcesOf(pick) };
    },
    denseLayerS(preset, backend) {
      const m = all.find((x) => x.what === "dense_layer" && x.params.preset === preset && String(x.params.backend ?? "cpu") === backend && x.unit === "ms");
      return m ? { s: m.value / 1e3, basis: `${m.value} ms per layer (${m.tool})`, sources: sourcesOf(m) } : null;
    },
  };
}
