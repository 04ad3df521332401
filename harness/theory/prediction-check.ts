// Predicted beside measured: each configuration's predicted tok/s against its measured median,
// the error, and where it came from — the simulator's bytes by source against the measured
// ones, and the time model alone at the measured sources (a diagnostic, not a prediction).

import { median } from "../results/summary-stats.ts";
import type { StatedDense } from "./model-inputs.ts";
import type { StoredPredictions } from "./predict-plan.ts";
import type { MachineRates } from "./profile-rates.ts";
import { sourceMix } from "./traffic.ts";
import type { VariantAnalysis } from "./variant-analysis.ts";
import { predict } from "./what-if.ts";

export interface PredictionRow {
  config: string;
  predicted: number | null;         // tok/s
  measured: number | null;          // median over runs, after warm-up
  error: number | null;             // predicted / measured − 1
  atMeasuredSources: number | null; // the time model on the measured bytes by source (diagnostic)
  deviceShare: { predicted: number; measured: number | null }; // of routed bytes
  missing: string[];
}

export interface PredictionCheck {
  rows: PredictionRow[];
  medianAbsError: number | null;
  compared: number;                 // rows with both a prediction and a measurement
}

export function checkPredictions(p: StoredPredictions, analyses: readonly VariantAnalysis[], rates: MachineRates, statedDense?: StatedDense): PredictionCheck {
  const rows = p.predictions.map((x): PredictionRow => {
    const a = analyses.find((v) => v.variant === x.config);
    const measured = a?.observation.tokS ?? null;
    const diag = a ? predict({ label: x.config, setup: a.observation.setup, traffic: a.observation.traffic, rates, statedDense }).tokS : null;
    return {
      config: x.config,
      predicted: x.tokS,
      measured,
      error: x.tokS !== null && measured ? x.tokS / measured - 1 : null,
      atMeasuredSources: diag,
      deviceShare: { predicted: sourceMix(x.traffic).device, measured: a ? sourceMix(a.observation.traffic).device : null },
      missing: x.missing,
    };
  });
  const errors = rows.flatMap((r) => (r.error === null ? [] : [Math.abs(r.error)]));
  return { rows, medianAbsError: errors.length ? median(errors) : null, compared: errors.length };
}
