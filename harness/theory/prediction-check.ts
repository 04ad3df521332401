// Predicted beside measured: each configuration's predicted tok/s against its measured median,
// the error, and where it came from — the simulator's bytes by source against the measured
// ones, and the time model alone at the measured sources (a diagnostic, not a prediction).

import { median } from "../results/summary-stats.ts";
import type { StatedDense } from "./model-inputs.ts";
import type { StoredPredictions } from "./predict-plan.ts";
import { machineRates, type MachineRates } from "./profile-rates.ts";
import { upsertMeasurements, type Measurement } from "../probe/machine-profile.ts";
import { sourceMix } from "./traffic.ts";
import type { VariantAnalysis } from "./variant-analysis.ts";
import { predict } from "./what-if.ts";

export interface PredictionRow {
  config: string;
  predicted: number | null;         // tok/s
  measured: number | null;          // median over runs, after warm-up
  measuredRange: { min: number; max: number } | null; // over the runs: how far repeats scatter
  error: number | null;             // predicted / measured − 1
  // Measured tok/s with the decomposition's CPU contention taken out (its share of the time): the
  // predictions are for the machine alone, the runs shared it with whatever else ran.
  uncontended: number | null;
  uncontendedError: number | null;
  atMeasuredSources: number | null; // the time model on the measured bytes by source (diagnostic)
  atSweepDevice: number | null;     // the prediction with the device reads timed before the sweep
  deviceShare: { predicted: number; measured: number | null }; // of routed bytes
  missing: string[];
}

export interface PredictionCheck {
  rows: PredictionRow[];
  medianAbsError: number | null;
  medianAbsUncontendedError: number | null;
  medianAbsSweepDeviceError: number | null; // the re-prediction at the sweep's device figures
  compared: number;                 // rows with both a prediction and a measurement
}

/** `sweepReads`: the device reads the quick probe timed right before the sweep; they replace
 * the profile's figures for the same reads in a second prediction (still nothing measured on
 * the configurations themselves). */
export function checkPredictions(p: StoredPredictions, analyses: readonly VariantAnalysis[], statedDense?: StatedDense, sweepReads: readonly Measurement[] = []): PredictionCheck {
  const rates = machineRates(p.profile);
  const atSweep = sweepReads.length && p.profile ? machineRates(upsertMeasurements(p.profile, sweepReads)) : null;
  const rows = p.predictions.map((x): PredictionRow => {
    const a = analyses.find((v) => v.variant === x.config);
    const measured = a?.observation.tokS ?? null;
    const diag = a ? predict({ label: x.config, setup: a.observation.setup, traffic: a.observation.traffic, rates, statedDense }).tokS : null;
    const contention = a ? a.decomposition.parts.find((q) => q.id === "contention")!.share : 0;
    const uncontended = measured && contention < 1 ? measured / (1 - contention) : null;
    return {
      config: x.config,
      predicted: x.tokS,
      measured,
      measuredRange: a && a.tokS.length ? { min: Math.min(...a.tokS), max: Math.max(...a.tokS) } : null,
      error: x.tokS !== null && measured ? x.tokS / measured - 1 : null,
      uncontended,
      uncontendedError: x.tokS !== null && uncontended ? x.tokS / uncontended - 1 : null,
      atMeasuredSources: diag,
      atSweepDevice: atSweep && x.tokS !== null ? predict({ label: x.config, setup: x.setup, traffic: x.traffic, rates: atSweep, statedDense }).tokS : null,
      deviceShare: { predicted: sourceMix(x.traffic).device, measured: a ? sourceMix(a.observation.traffic).device : null },
      missing: x.missing,
    };
  });
  const abs = (f: (r: PredictionRow) => number | null) => rows.flatMap((r) => (f(r) === null ? [] : [Math.abs(f(r)!)]));
  const errors = abs((r) => r.error);
  const calm = abs((r) => r.uncontendedError);
  const sweep = abs((r) => (r.atSweepDevice !== null && r.measured ? r.atSweepDevice / r.measured - 1 : null));
  const med = (xs: number[]) => (xs.length ? median(xs) : null);
  return { rows, medianAbsError: med(errors), medianAbsUncontendedError: med(calm), medianAbsSweepDeviceError: med(sweep), compared: errors.length };
}

/** The device as the sweep found it: each read the quick probe timed right before the sweep
 * (drift.jsonl) beside the figure the predictions used for the same reads. */
export interface DeviceAtSweep {
  what: string;                     // e.g. "direct, 1 in flight"
  profileGbps: number | null;
  sweepGbps: number;
}

export function deviceAtSweep(before: readonly Measurement[], rates: MachineRates): DeviceAtSweep[] {
  return before.flatMap((m) => {
    const mode = String(m.params.mode);
    if (mode !== "direct" && mode !== "buffered-cold") return [];
    const p = Number(m.params.parallelism);
    return [{ what: `${mode}, ${p} in flight`, profileGbps: rates.deviceRead(Number(m.params.recordBytes), p, mode)?.gbps ?? null, sweepGbps: m.value }];
  });
}
