// The four ceilings of DESIGN §5 for one observation, as tok/s and observed / ceiling:
// (1) the paper's I/O ceiling, (2) the I/O ceiling at the run's measured byte sources,
// (3) the compute ceiling, (4) the serial (sum) and overlapped (max) bounds of (2) and (3).

import type { Observation } from "./observation.ts";
import type { ComputeInputs, IoInputs } from "./model-inputs.ts";
import type { Rate } from "./profile-rates.ts";
import { layerTime } from "./time-model.ts";
import { sourceMix } from "./traffic.ts";

export type CeilingId = "paperIo" | "ioAtSources" | "compute" | "serial" | "overlapped";

/** Short names for table headings; CEILING_LABELS says what each is. */
export const CEILING_SHORT: Record<CeilingId, string> = {
  paperIo: "(1) paper I/O",
  ioAtSources: "(2) I/O at hit rates",
  compute: "(3) compute",
  serial: "(4) serial",
  overlapped: "(4) overlapped",
};

export const CEILING_LABELS: Record<CeilingId, string> = {
  paperIo: "(1) I/O, every routed byte at peak device bandwidth",
  ioAtSources: "(2) I/O at the measured hit rates",
  compute: "(3) compute",
  serial: "(4) serial bound: (2) + (3)",
  overlapped: "(4) overlapped bound: max of (2), (3)",
};

export interface Ceiling {
  id: CeilingId;
  label: string;
  timeS: number | null;    // seconds per token at the ceiling; 0: nothing bounds it
  tokS: number | null;     // 1 / timeS (Infinity when timeS is 0); null: cannot be computed
  ratio: number | null;    // observed tok/s / ceiling tok/s
  basis: string;
  sources: string[];       // citations behind the rates (hand-written profiles)
}

export interface CeilingInputs {
  io: IoInputs | null;
  compute: ComputeInputs | { missing: string };
  peak: Rate | null;
}

/** Compute per token measured by the run itself, when the profile has no kernel figures. */
function measuredComputeS(o: Observation): number {
  const c = o.cpuS ?? o.wallS;
  return c.dense + c.expert + c.combine;
}

export function ceilings(o: Observation, inp: CeilingInputs): Ceiling[] {
  const L = o.setup.layers;
  const mk = (id: CeilingId, timeS: number | null, basis: string, sources: string[] = []): Ceiling => {
    const tokS = timeS === null ? null : timeS > 0 ? 1 / timeS : Infinity;
    const ratio = tokS !== null && o.tokS !== null && tokS > 0 ? o.tokS / tokS : null;
    return { id, label: CEILING_LABELS[id], timeS, tokS, ratio, basis, sources };
  };

  const peak = inp.peak;
  const paper = peak ? o.traffic.requested / (peak.gbps * 1e9) : null;
  const ioS = inp.io
    ? L * layerTime({ setup: o.setup, mix: sourceMix(o.traffic), rates: inp.io.rates, compute: { denseS: 0, sharedS: 0, expertS: 0, overheadS: 0 } }).ioS
    : null;
  const mix = sourceMix(o.traffic);
  const hitText = `${(mix.appCache * 100).toFixed(1)} % application cache, ${(mix.pageCache * 100).toFixed(1)} % page cache, ${(mix.device * 100).toFixed(1)} % device`;

  const computeS = "times" in inp.compute
    ? L * (inp.compute.times.denseS + inp.compute.times.sharedS + o.setup.k * inp.compute.times.expertS)
    : measuredComputeS(o);
  const computeBasis = "times" in inp.compute
    ? inp.compute.basis
    : `the run's own dense, expert and combine stages (${inp.compute.missing})`;

  return [
    mk("paperIo", paper, peak ? `${(o.traffic.requested / 1e6).toFixed(1)} MB per token at ${peak.gbps.toFixed(2)} GB/s (${peak.basis})` : "no device read bandwidth in the profile", peak?.sources),
    mk("ioAtSources", ioS, inp.io ? `${hitText}; device ${inp.io.deviceBasis}; page cache ${inp.io.pageCacheBasis ?? "not in the profile (free)"}` : "no device read bandwidth in the profile", inp.io?.sources),
    mk("compute", computeS, computeBasis, "times" in inp.compute ? inp.compute.sources : []),
    mk("serial", ioS === null ? null : ioS + computeS, "sum of (2) and (3)"),
    mk("overlapped", ioS === null ? null : Math.max(ioS, computeS), "the larger of (2) and (3)"),
  ];
}
