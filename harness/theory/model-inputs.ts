// The time model's inputs for one configuration from a machine profile alone: read bandwidths
// at the configuration's record size, mode and parallelism, and compute times from the probed
// kernel throughput — with what each rests on, and what the profile lacks.

import type { MachineRates, Rate, ReadWay } from "./profile-rates.ts";
import type { RunSetup } from "./run-setup.ts";
import { readBytes, readParallelism } from "./run-setup.ts";
import type { ComputeTimes, IoRates } from "./time-model.ts";

export interface IoInputs {
  rates: IoRates;
  /** The buffered device rate was measured with the configuration's own readahead (mmap's
   * faults, or fadvise normal): readahead's bytes are in its time already. */
  readaheadInRate: boolean;
  deviceBasis: string;         // at the configuration's parallelism
  pageCacheBasis: string | null; // null: not in the profile (page-cache reads counted as free)
  /** mmap-zerocopy: seconds per byte a resident record used in place adds to the compute threads
   * (null: not in the profile, or another engine), and what it rests on. Zero-copy's page-cache
   * hits move nothing on the I/O path: what-if.ts charges this instead of pageCache. */
  inPlace: { sPerByte: number; basis: string; sources: string[] } | null;
  exact: boolean;
  sources: string[];
}

/** How the engine reads (profile-rates' ReadWay): io.engine mmap through page faults with its
 * madvise; the others under their io.fadvise. */
export function readWay(s: RunSetup): ReadWay {
  const fadvise = s.fadvise === "random" ? "random" : "normal";
  return s.ioEngine === "mmap" ? { engine: "mmap", fadvise } : { fadvise };
}

/** `directShare`: the fraction of device bytes read with O_DIRECT (the rest buffered-cold).
 * Null when the profile has no device reads at all. */
export function ioInputs(r: MachineRates, s: RunSetup, directShare: number): IoInputs | null {
  const p = readParallelism(s);
  const size = readBytes(s);   // a chunk's rate, where records are read in chunks
  // A profile without reads through page faults: the pread pool's figures stand in, named as
  // such (ceilings and decompositions of measured mmap runs; predictions say what is missing).
  const own = readWay(s);
  const faultsMeasured = own.engine !== "mmap" || r.deviceRead(size, p, "buffered-cold", own) !== null;
  // Buffered reads under fadvise normal take the rate measured under it, readahead's time
  // included — where the profile has it; else the random-advice rate, readahead's bytes then
  // timed at that rate by what-if.ts (readaheadInRate false).
  const normalMeasured = own.engine !== "mmap" && own.fadvise === "normal" && r.readahead(size, p) !== null;
  const way: ReadWay = !faultsMeasured ? { fadvise: "random" } : own.engine === "mmap" || normalMeasured ? own : { fadvise: "random" };
  const pcEngine = s.ioEngine === "mmap" && r.pageCacheRead(size, p, "mmap") ? "mmap" : undefined;
  const standIn = (x: Rate | null, measured: boolean) =>
    x && !measured ? { ...x, basis: `${x.basis}; standing in for reads through page faults, which the profile lacks`, exact: false } : x;
  const here = {
    direct: r.deviceRead(size, p, "direct", way),
    buffered: standIn(r.deviceRead(size, p, "buffered-cold", way), faultsMeasured),
    pageCache: standIn(r.pageCacheRead(size, p, pcEngine), s.ioEngine !== "mmap" || pcEngine === "mmap"),
  };
  const modes = directShare >= 1 ? [here.direct] : directShare <= 0 ? [here.buffered] : [here.direct, here.buffered];
  if (modes.some((m) => !m)) return null;
  const memo = new Map<string, number>();
  const cached = (key: string, f: () => number) => memo.get(key) ?? (memo.set(key, f()), memo.get(key)!);
  // Bytes split between the two cold modes take the harmonic mix of their bandwidths.
  const device = (n: number) =>
    cached(`d${n}`, () => {
      const d = directShare > 0 ? r.deviceRead(size, n, "direct", way)!.gbps : Infinity;
      const b = directShare < 1 ? r.deviceRead(size, n, "buffered-cold", way)!.gbps : Infinity;
      return 1 / (directShare / d + (1 - directShare) / b);
    });
  const pageCache = (n: number) => cached(`p${n}`, () => r.pageCacheRead(size, n, pcEngine)?.gbps ?? Infinity);
  const inPlace = s.ioEngine === "mmap-zerocopy" ? inPlaceCost(r, s) : null;
  return {
    readaheadInRate: (own.engine === "mmap" && faultsMeasured) || normalMeasured,
    rates: { deviceGbps: device, pageCacheGbps: pageCache },
    deviceBasis: modes.map((m) => `${m!.gbps.toFixed(2)} GB/s: ${m!.basis}`).join("; "),
    pageCacheBasis: here.pageCache ? `${here.pageCache.gbps.toFixed(2)} GB/s: ${here.pageCache.basis}` : null,
    inPlace,
    exact: modes.every((m) => m!.exact) && (here.pageCache?.exact ?? false),
    sources: [...new Set([...modes.flatMap((m) => m!.sources), ...(here.pageCache?.sources ?? []), ...(inPlace?.sources ?? [])])],
  };
}

/** Seconds per byte that computing on a resident record in place (mmap-zerocopy) adds, by the
 * compute threads that touch it: a copy out of a fresh mapping (page_cache_read engine mmap: a
 * minor fault per fault-around window, 4 KB-page TLB misses, one read and one write of every
 * byte) less a copy of the same bytes out of the page cache by read() (one read and one write,
 * no faults) — what remains is what the mapping costs, which a copy into the engine's buffer
 * does not pay. Without the read() figure, the whole copy out of the mapping (an upper bound). */
function inPlaceCost(r: MachineRates, s: RunSetup): IoInputs["inPlace"] {
  const mapped = r.pageCacheRead(s.recordBytes, s.computeThreads, "mmap");
  if (!mapped) return null;
  const copied = r.pageCacheRead(s.recordBytes, s.computeThreads);
  const sPerByte = Math.max(0, 1 / (mapped.gbps * 1e9) - (copied ? 1 / (copied.gbps * 1e9) : 0));
  const less = copied ? ` less a copy out of the page cache at ${copied.gbps.toFixed(2)} GB/s (${copied.basis})` : " (no page-cache copy figure to take off: an upper bound)";
  return {
    sPerByte,
    basis: `${(1e-9 / sPerByte).toFixed(2)} GB/s: a copy out of a fresh mapping at ${mapped.gbps.toFixed(2)} GB/s (${mapped.basis})${less} — the faults and TLB misses of computing on a resident record in place`,
    sources: [...mapped.sources, ...(copied?.sources ?? [])],
  };
}

export interface ComputeInputs {
  times: ComputeTimes;
  basis: string;
  sources: string[];
}

/** A dense part's time per layer known otherwise than from kernels (a GPU model's attention
 * and projections, as a paper measured them). */
export interface StatedDense {
  s: number;
  basis: string;
  sources: string[];
}

/** Compute per layer from the profile's kernel throughput (the dense part from `stated` when
 * given); the reason when the profile has no kernel figures for these bits and backend. */
export function computeInputs(r: MachineRates, s: RunSetup, stated?: StatedDense): ComputeInputs | { missing: string } {
  const expert = r.kernel(s.bits, s.computeThreads, s.backend);
  if (!expert) return { missing: `no ${s.bits}-bit ${s.backend} kernel throughput in the profile` };
  const denseBits = s.denseBits ?? s.bits;
  const denseKernel = r.kernel(denseBits, s.computeThreads, s.backend);
  if (!stated && !denseKernel) return { missing: `no ${denseBits}-bit ${s.backend} kernel throughput for the dense part in the profile` };
  const perS = (bytes: number, gbps: number) => bytes / (gbps * 1e9);
  const denseS = stated ? stated.s : perS(s.densePasses * s.denseBytesPerLayer, denseKernel!.gbps);
  const sharedS = perS(s.sharedBytesPerLayer, (denseKernel ?? expert).gbps);
  const basis = [
    `experts at ${expert.gbps.toFixed(2)} GB/s (${expert.basis})`,
    stated ? `dense part ${stated.basis}` : `dense part at ${denseKernel!.gbps.toFixed(2)} GB/s (${denseKernel!.basis})`,
    s.denseBits === null && !stated ? "dense bits not recorded: taken as the expert bits" : "",
  ].filter(Boolean);
  const sources = [...new Set([...expert.sources, ...(stated?.sources ?? denseKernel?.sources ?? [])])];
  return { times: { denseS, sharedS, expertS: perS(s.recordBytes, expert.gbps), overheadS: 0 }, basis: basis.join("; "), sources };
}
