// What-if predictions: tok/s of a configuration from its setup, the bytes by source a simulator
// predicts for its routing (application cache and page-cache model) and a machine profile —
// nothing measured on the configuration itself — through the same time model as the ceilings.

import { computeInputs, ioInputs, type StatedDense } from "./model-inputs.ts";
import type { MachineRates } from "./profile-rates.ts";
import type { RunSetup } from "./run-setup.ts";
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
 * resident pages in place (no page-cache copy); every other engine copies page-cache hits. */
function engineRates(setup: RunSetup, rates: IoRates): IoRates {
  if (setup.ioEngine === "mmap-zerocopy") return { deviceGbps: rates.deviceGbps, pageCacheGbps: () => Infinity };
  return rates;
}

export function predict(o: { label: string; setup: RunSetup; traffic: Traffic; rates: MachineRates; statedDense?: StatedDense }): Prediction {
  const { setup: s, traffic: t } = o;
  const missing: string[] = [];
  const moves = s.ioEngine !== "null";
  const directShare = t.device > 0 ? t.directDevice / t.device : s.direct === "on" ? 1 : 0;
  const io = ioInputs(o.rates, s, directShare);
  if (!io && moves && t.device + t.pageCache > 0) missing.push("device read bandwidth for this record size");
  if (io && moves && !io.pageCacheBasis && t.pageCache > 0 && s.ioEngine !== "mmap-zerocopy") missing.push("page-cache read bandwidth");
  // Reads through page faults (mmap + memcpy) have no figure in a profile: the probe reads with pread.
  if (s.ioEngine === "mmap" && t.device + t.pageCache > 0) missing.push("figures for reads through page faults (mmap): the probe measures pread");
  const compute = computeInputs(o.rates, s, o.statedDense);
  if ("missing" in compute) missing.push(compute.missing);
  const base = { label: o.label, setup: s, traffic: t, sources: [...(io?.sources ?? []), ...("sources" in compute ? compute.sources : [])] };
  if (missing.length || "missing" in compute)
    return { ...base, tokS: null, timeS: null, layer: null, basis: { io: io?.deviceBasis ?? null, compute: null }, missing };

  const deviceReads = t.device / s.recordBytes;
  const layer = layerTime({
    setup: s,
    mix: moves ? sourceMix(t) : { appCache: 1, pageCache: 0, device: 0 },
    rates: io ? engineRates(s, io.rates) : { deviceGbps: () => Infinity, pageCacheGbps: () => Infinity },
    compute: compute.times,
    readaheadPerDeviceRead: moves && t.readahead && deviceReads > 0 ? t.readahead / deviceReads : 0,
  });
  const timeS = tokenSeconds(layer, s.layers, s.exec);
  return {
    ...base,
    tokS: timeS > 0 ? 1 / timeS : null,
    timeS,
    layer,
    basis: { io: io ? `device ${io.deviceBasis}; page cache ${io.pageCacheBasis ?? "–"}` : null, compute: compute.basis },
    missing,
  };
}
