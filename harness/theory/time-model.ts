// The one time model behind the ceilings, the decomposition's at-ceiling parts and the what-if
// predictions: a layer's K expert reads, each from the application cache, the page cache or the
// device, at the machine's rates for the reads in flight, then its compute — serial (read, then
// compute) or overlapped within the layer (shared expert and hits computed under the reads).

import type { RunSetup } from "./run-setup.ts";
import { chunksPerRecord, ioSlots } from "./run-setup.ts";

/** Aggregate bandwidths in GB/s for a number of reads in flight. */
export interface IoRates {
  deviceGbps(inFlight: number): number;
  pageCacheGbps(inFlight: number): number;
}

/** Seconds per layer. */
export interface ComputeTimes {
  denseS: number;        // the dense part (dense.passes over the layer's resident matrices)
  sharedS: number;       // the shared expert's FFN
  expertS: number;       // one routed expert's FFN
  overheadS: number;     // routing, bookkeeping and combine (0 where not known)
}

/** Per layer, as expectations over which of the K requests come from where. */
export interface LayerTime {
  ioS: number;           // expert reads: the critical path of the layer's reads
  deviceS: number;       // of ioS, time on device reads (readahead included)
  pageCacheS: number;    // of ioS, page-cache copies not hidden under device reads
  readaheadS: number;    // of deviceS, the readahead bytes' share
  computeS: number;      // dense + shared + K experts + overhead
  serialS: number;
  overlappedS: number;
}

export interface LayerMix {
  device: number;        // fraction of requests read from the device
  pageCache: number;     // from the page cache
  appCache: number;      // hits in the application cache (used in place: no I/O)
}

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * Sources are drawn independently per request with the mix's fractions (multinomial), so the
 * model sees the layers with 0, 1, … device reads that the average alone would hide — what
 * matters because a lone read gets far less bandwidth than K reads in flight. Reads of one
 * layer that fit the I/O workers together run concurrently (the layer waits for the slowest
 * source); more reads than workers queue (the sources' times add up).
 */
export function layerTime(o: {
  setup: Pick<RunSetup, "k" | "recordBytes" | "ioEngine" | "ioThreads" | "queueDepth" | "chunkBytes">;
  mix: LayerMix;
  rates: IoRates;
  compute: ComputeTimes;
  readaheadPerDeviceRead?: number; // bytes the OS reads beyond each device read (predictions)
  inPlaceS?: number;     // compute seconds a page-cache request adds when used in place (zero-copy)
}): LayerTime {
  const { k, recordBytes } = o.setup;
  const slots = ioSlots(o.setup);
  const c = chunksPerRecord(o.setup);
  const ra = o.readaheadPerDeviceRead ?? 0;
  const inPlace = o.inPlaceS ?? 0;
  const { denseS, sharedS, expertS, overheadS } = o.compute;
  const out: LayerTime = { ioS: 0, deviceS: 0, pageCacheS: 0, readaheadS: 0, computeS: denseS + overheadS + sharedS + k * expertS + k * o.mix.pageCache * inPlace, serialS: 0, overlappedS: 0 };
  for (let m = 0; m <= k; m++) {
    for (let n = 0; m + n <= k; n++) {
      const h = k - m - n;
      const p = choose(k, m) * choose(k - m, n) * o.mix.device ** m * o.mix.pageCache ** n * o.mix.appCache ** h;
      if (p === 0) continue;
      const devRate = m > 0 ? o.rates.deviceGbps(Math.min(slots, m * c)) * 1e9 : 1;
      const td = m > 0 ? (m * (recordBytes + ra)) / devRate : 0;
      const tp = n > 0 ? (n * recordBytes) / (o.rates.pageCacheGbps(Math.min(slots, n * c)) * 1e9) : 0;
      const io = (m + n) * c <= slots ? Math.max(td, tp) : td + tp;
      out.ioS += p * io;
      out.deviceS += p * td;
      out.pageCacheS += p * (io - td);
      out.readaheadS += m > 0 ? (p * m * ra) / devRate : 0;
      out.serialS += p * (denseS + overheadS + io + sharedS + k * expertS + n * inPlace);
      out.overlappedS += p * (denseS + overheadS + Math.max(io, sharedS + h * expertS) + (m + n) * expertS + n * inPlace);
    }
  }
  return out;
}

/** Seconds per token of a layer time under an execution mode. */
export const tokenSeconds = (t: LayerTime, layers: number, exec: RunSetup["exec"]) =>
  layers * (exec === "overlapped" ? t.overlappedS : t.serialS);
