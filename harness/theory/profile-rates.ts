// The rates a machine profile gives the time model — device reads by record size, parallelism
// and mode, page-cache reads, kernel throughput — each with the measurement it rests on, so
// every ceiling and prediction can say where its numbers came from.

import type { MachineProfile, Measurement } from "../probe/machine-profile.ts";

/** A bandwidth in GB/s (1e9 bytes per second) and how it was obtained. */
export interface Rate {
  gbps: number;
  basis: string;        // e.g. "direct, 4 in flight, 3.93 MB records (tierbench probe)"
  exact: boolean;       // false: another record size or parallelism stood in, or two were interpolated
  sources: string[];    // citations of the measurements used (hand-written profiles)
}

export type ColdMode = "direct" | "buffered-cold";

// Names read from the profile (harness/probe/machine-profile.ts documents them):
//   device_read     { recordBytes, parallelism, mode, pattern?, fadvise?, engine? }  pattern
//                   "sequential": a streaming read, which counts for the peak but not for random
//                   record reads; fadvise absent = "random"; engine absent = the pread pool
//                   (which stands in for io_uring), "mmap" = reads through page faults
//   page_cache_read { recordBytes, parallelism, engine? }
//   kernel          { bits, threads, variant, backend? }  (backend "cpu" when absent)
// A hand-written figure may lack record size or parallelism: it stands in for any.

const has = (m: Measurement, k: string) => Number.isFinite(Number(m.params[k])) && m.params[k] !== "";
const num = (m: Measurement, k: string) => Number(m.params[k]);
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const describe = (m: Measurement) => {
  const p = m.params;
  const size = has(m, "chunkBytes") ? `${mb(num(m, "chunkBytes"))} chunks of ${mb(num(m, "records"))} records`
    : has(m, "recordBytes") ? `${mb(num(m, "recordBytes"))} records` : "";
  const what = [p.engine ? `${p.engine}` : "", p.mode, p.pattern, p.fadvise ? `fadvise ${p.fadvise}` : "", has(m, "parallelism") ? `${p.parallelism} in flight` : "", size]
    .filter(Boolean)
    .join(", ");
  return `${what} (${m.tool})`;
};
const sourcesOf = (...ms: Measurement[]) => ms.flatMap((m) => (m.source ? [m.source] : []));

/** Among reads of one kind, those for this record size (else the nearest size, by ratio; else
 * figures that name no size) at this parallelism: exact, interpolated between the measured
 * neighbours, or the nearest one. */
function pickRead(pool: Measurement[], recordBytes: number, parallelism: number): Rate | null {
  if (pool.length === 0) return null;
  const sized = pool.filter((m) => has(m, "recordBytes"));
  let same: Measurement[];
  let sizeNote = "";
  if (sized.length) {
    const dist = (m: Measurement) => Math.abs(Math.log(num(m, "recordBytes") / recordBytes));
    const best = Math.min(...sized.map(dist));
    same = sized.filter((m) => dist(m) === best);
    if (best > 0) sizeNote = `; measured on ${mb(num(same[0]!, "recordBytes"))} records, not ${mb(recordBytes)}`;
  } else {
    same = pool;
    sizeNote = "; no record size given";
  }
  const byP = same.filter((m) => has(m, "parallelism")).sort((a, b) => num(a, "parallelism") - num(b, "parallelism"));
  if (byP.length === 0) {
    const top = same.reduce((a, b) => (b.value > a.value ? b : a));
    return { gbps: top.value, basis: `${describe(top)}${sizeNote}; no parallelism given`, exact: false, sources: sourcesOf(top) };
  }
  const exactSize = sizeNote === "";
  const hit = byP.find((m) => num(m, "parallelism") === parallelism);
  if (hit) return { gbps: hit.value, basis: describe(hit) + sizeNote, exact: exactSize, sources: sourcesOf(hit) };
  const lo = [...byP].reverse().find((m) => num(m, "parallelism") < parallelism);
  const hi = byP.find((m) => num(m, "parallelism") > parallelism);
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

/** How the records are read: through the pread pool (absent engine; io_uring's stand-in) or
 * through page faults of a mapping ("mmap"), with this io.fadvise (absent: random). */
export interface ReadWay {
  engine?: "mmap";
  fadvise?: "normal" | "random";
}

/** Device bytes beyond the requested ones, per requested byte, under fadvise normal. */
export interface Readahead {
  extraPerRequested: number;
  basis: string;
  exact: boolean;
  sources: string[];
}

export interface MachineRates {
  /** Cold reads of records from the device (random offsets). */
  deviceRead(recordBytes: number, parallelism: number, mode: ColdMode, way?: ReadWay): Rate | null;
  /** Readahead of buffered-cold pread-pool reads under fadvise normal (the probe's device bytes
   * per requested byte, less 1); null when the profile has no such reads. */
  readahead(recordBytes: number, parallelism: number): Readahead | null;
  /** The best device read bandwidth the profile holds, any size, mode or pattern: the paper's
   * kind of ceiling (its 17.5 GB/s was a sequential read). */
  peakDeviceRead(): Rate | null;
  /** Buffered reads of records wholly resident in the page cache: kernel copies (pread pool),
   * or copies out of a fresh mapping, faults included (engine "mmap"). */
  pageCacheRead(recordBytes: number, parallelism: number, engine?: "mmap"): Rate | null;
  /** Expert-kernel throughput in GB/s of quantized bytes, for this bit width: the fastest
   * variant (what kernel.variant=auto picks) at the nearest thread count not above `threads`. */
  kernel(bits: number, threads: number, backend: string): Rate | null;
}

export function machineRates(profile: MachineProfile | null): MachineRates {
  const gbps = (profile?.measurements ?? []).filter((m) => m.unit === "GB/s");
  const device = gbps.filter((m) => m.what === "device_read");
  const random = device.filter((m) => m.params.pattern !== "sequential");
  const engineOf = (m: Measurement) => String(m.params.engine ?? "pread");
  const adviceOf = (m: Measurement) => String(m.params.fadvise ?? "random");
  const pageCache = gbps.filter((m) => m.what === "page_cache_read");
  // Readahead depends on how a record is read: whole, or in sequential chunks (which the kernel
  // takes for a stream). Reads in chunks are looked up by the size of one read, as the rates
  // of chunked configurations are (model-inputs.ts); `records` keeps the record size.
  const bySize = (m: Measurement): Measurement =>
    has(m, "chunkBytes") && has(m, "recordBytes")
      ? { ...m, params: { ...m.params, recordBytes: Math.min(num(m, "chunkBytes"), num(m, "recordBytes")), records: num(m, "recordBytes") } }
      : m;
  const normalReads = random.filter((m) => engineOf(m) === "pread" && m.params.mode === "buffered-cold" && adviceOf(m) === "normal" &&
    Number.isFinite(Number(m.details?.deviceBytesPerRequested)) && Number(m.details?.deviceBytesPerRequested) > 0).map(bySize);

  return {
    deviceRead(recordBytes, parallelism, mode, way = {}) {
      const engine = way.engine ?? "pread";
      const advice = way.fadvise ?? "random";
      const pool = random.filter((m) => engineOf(m) === engine).map(bySize);
      // Direct reads take no advice; buffered ones take the asked advice, else the other stands in.
      const advised = (ms: Measurement[]) => {
        if (mode === "direct") return { ms, note: "" };
        const same = ms.filter((m) => adviceOf(m) === advice);
        return same.length ? { ms: same, note: "" } : { ms, note: `; no fadvise ${advice} reads measured` };
      };
      const same = pool.filter((m) => m.params.mode === mode);
      if (same.length) {
        const { ms, note } = advised(same);
        const r = pickRead(ms, recordBytes, parallelism);
        return r && (note ? { ...r, basis: r.basis + note, exact: false } : r);
      }
      // Reads through faults are only ever buffered: no other mode stands in for them.
      if (engine === "mmap") return null;
      // Direct and buffered-cold reads both come from the device; one stands in for the other.
      const other = pickRead(pool.filter((m) => adviceOf(m) === "random"), recordBytes, parallelism) ?? pickRead(pool, recordBytes, parallelism);
      return other && { ...other, basis: `${other.basis}; no ${mode} reads measured`, exact: false };
    },
    readahead(recordBytes, parallelism) {
      // The amplification measured beside each rate, in the place of the rate: the same choice
      // of record size and parallelism (nearest, or interpolated) as for bandwidths.
      const extra = normalReads.map((m) => ({ ...m, value: Math.max(0, Number(m.details!.deviceBytesPerRequested) - 1) }));
      const r = pickRead(extra, recordBytes, parallelism);
      return r && { extraPerRequested: r.gbps, basis: `device bytes per requested byte of ${r.basis}`, exact: r.exact, sources: r.sources };
    },
    peakDeviceRead() {
      // The pread pool's reads: a rate through page faults is a mechanism's, not the device's.
      const pool = device.filter((m) => engineOf(m) === "pread");
      if (pool.length === 0) return null;
      const best = pool.reduce((a, b) => (b.value > a.value ? b : a));
      return { gbps: best.value, basis: describe(best), exact: true, sources: sourcesOf(best) };
    },
    pageCacheRead(recordBytes, parallelism, engine) {
      return pickRead(pageCache.filter((m) => engineOf(m) === (engine ?? "pread")), recordBytes, parallelism);
    },
    kernel(bits, threads, backend) {
      const pool = gbps.filter((m) => m.what === "kernel" && num(m, "bits") === bits && String(m.params.backend ?? "cpu") === backend);
      if (pool.length === 0) return null;
      const counts = [...new Set(pool.map((m) => num(m, "threads")))].sort((a, b) => a - b);
      const t = [...counts].reverse().find((n) => n <= threads) ?? counts[0]!;
      const pick = pool.filter((m) => num(m, "threads") === t).reduce((a, b) => (b.value > a.value ? b : a));
      const variant = pick.params.variant ? ` ${pick.params.variant}` : "";
      const basis = `${bits}-bit ${backend}${variant} kernels, ${t} thread${t === 1 ? "" : "s"} (${pick.tool})`;
      return { gbps: pick.value, basis: t === threads ? basis : `${basis}, standing in for ${threads}`, exact: t === threads, sources: sourcesOf(pick) };
    },
  };
}
