// What-if predictions: tok/s of a configuration from its setup, the bytes by source a simulator
// predicts for its routing (application cache and page-cache model) and a machine profile —
// nothing measured on the configuration itself — through the same time model as the ceilings.

import { computeInputs, ioInputs, readWay, type IoInputs, type StatedDense } from "./model-inputs.ts";
import type { MachineRates } from "./profile-rates.ts";
import { readBytes, readParallelism, type RunSetup } from "./run-setup.ts";
import { layerTime, tokenSeconds, type IoRates, type LayerTime } from "./time-model.ts";
import { sourceMix, type Traffic } from "./traffic.ts";

export interface Prediction {
  label: string;
  setup: RunSetup;            // what was predicted for
  tokS: number | null;        // null: the profile lacks what the model needs (see `missing`)
  timeS: number | null;       // seconds per token
  layer: LayerTime | null;    // the time model's per-layer figures
  traffic: Traffic;           // the predicted bytes by source, per token
  basis: { io: string | null; compute: string | null };
  missing: string[];
  sources: string[];
}

/** How an I/O engine changes the model: `null` moves no bytes; the zero-copy mmap engine uses
 * resident pages in place — no copy on the I/O path; their cost falls on the compute threads
 * (`inPlaceS` below); every other engine copies page-cache hits. */
function engineRates(setup: RunSetup, rates: IoRates): IoRates {
  if (setup.ioEngine === "mmap-zerocopy") return { deviceGbps: rates.deviceGbps, pageCacheGbps: () => Infinity };
  return rates;
}

/** What the profile lacks for this engine's reads, where it reads anything. */
function ioMissing(r: MachineRates, s: RunSetup, t: Traffic, io: IoInputs | null): string[] {
  if (s.ioEngine === "null" || t.device + t.pageCache <= 0) return [];
  const size = readBytes(s);
  const p = readParallelism(s);
  if (s.ioEngine === "mmap") {
    const out: string[] = [];
    if (t.device > 0 && !r.deviceRead(size, p, "buffered-cold", readWay(s))) out.push("device reads through page faults (device_read engine mmap) in the profile");
    if (t.pageCache > 0 && !r.pageCacheRead(size, p, "mmap")) out.push("page-cache reads through page faults (page_cache_read engine mmap) in the profile");
    return out;
  }
  if (!io) return ["device read bandwidth for this record size"];
  if (s.ioEngine === "mmap-zerocopy")
    return t.pageCache > 0 && !io.inPlace ? ["copies out of a fresh mapping (page_cache_read engine mmap): the cost of using resident records in place"] : [];
  return !io.pageCacheBasis && t.pageCache > 0 ? ["page-cache read bandwidth"] : [];
}

export function predict(o: { label: string; setup: RunSetup; traffic: Traffic; rates: MachineRates; statedDense?: StatedDense }): Prediction {
  const { setup: s, traffic: t } = o;
  const moves = s.ioEngine !== "null";
  const directShare = t.device > 0 ? t.directDevice / t.device : s.direct === "on" ? 1 : 0;
  const io = ioInputs(o.rates, s, directShare);
  const missing = ioMissing(o.rates, s, t, io);
  const compute = computeInputs(o.rates, s, o.statedDense);
  if ("missing" in compute) missing.push(compute.missing);
  const base = { label: o.label, setup: s, traffic: t, sources: [...(io?.sources ?? []), ...("sources" in compute ? compute.sources : [])] };
  if (missing.length || "missing" in compute)
    return { ...base, tokS: null, timeS: null, layer: null, basis: { io: io?.deviceBasis ?? null, compute: null }, missing };

  const deviceReads = t.device / s.recordBytes;
  // A rate measured with the configuration's own readahead (reads through page faults, or the
  // pread pool under fadvise normal) is requested bytes over a time that includes readahead's
  // device bytes: adding the simulator's readahead to it would count them twice. Readahead runs
  // past the record sequentially, cheaper per byte than the random reads of the random-advice
  // rate, so only where the profile lacks the advised rate are its bytes timed at that one.
  const readahead = moves && !io?.readaheadInRate && t.readahead && deviceReads > 0 ? t.readahead / deviceReads : 0;
  // Zero-copy: a resident record computed on in place pays the mapping's faults and TLB misses
  // on the compute threads — a copy out of a fresh mapping less a read() copy (model-inputs.ts).
  const inPlaceS = s.ioEngine === "mmap-zerocopy" && io?.inPlace ? s.recordBytes * io.inPlace.sPerByte : 0;
  const layer = layerTime({
    setup: s,
    mix: moves ? sourceMix(t) : { appCache: 1, pageCache: 0, device: 0 },
    rates: io ? engineRates(s, io.rates) : { deviceGbps: () => Infinity, pageCacheGbps: () => Infinity },
    compute: compute.times,
    readaheadPerDeviceRead: readahead,
    inPlaceS,
  });
  const timeS = tokenSeconds(layer, s.layers, s.exec);
  const pageCacheBasis = s.ioEngine === "mmap-zerocopy" ? (io?.inPlace ? `used in place at ${io.inPlace.basis}` : "–") : (io?.pageCacheBasis ?? "–");
  return {
    ...base,
    tokS: timeS > 0 ? 1 / timeS : null,
    timeS,
    layer,
    basis: { io: io ? `device ${io.deviceBasis}; page cache ${pageCacheBasis}` : null, compute: compute.basis },
    missing,
  };
}
