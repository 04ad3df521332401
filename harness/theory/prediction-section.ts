// The report's "predicted vs measured" section: the stored predictions (made from the workload,
// the simulator and the machine profile alone) beside what the runs measured, with the error
// per configuration and its median. Pure: a check in, lines out.

import type { StoredPredictions } from "./predict-plan.ts";
import type { PredictionCheck } from "./prediction-check.ts";

/** The target of DESIGN's what-if predictor: median absolute error over configurations. */
export const PREDICTION_TARGET = 0.15;

const tok = (x: number | null) => (x === null ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(2));
const pct = (x: number | null, signed = false) => (x === null ? "–" : `${signed && x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`);

export function predictionSection(p: StoredPredictions, c: PredictionCheck, heading = "##"): string[] {
  const out = [`${heading} Predicted vs measured`, ""];
  out.push(
    `Predictions made ${p.createdAt} from the workload, the simulator (page-cache model ${p.simulator.pagecache}, readahead ${p.simulator.readaheadBytes} bytes) and the machine profile of ${p.profile.hostname} (${p.profile.measurements} figures) — nothing measured on these configurations.`,
    "",
  );
  out.push("| configuration | predicted tok/s | measured tok/s | error | time model at measured sources | device share predicted / measured |", "| --- | --- | --- | --- | --- | --- |");
  for (const r of c.rows)
    out.push(`| ${r.config} | ${r.predicted === null ? `– (${r.missing.join("; ")})` : tok(r.predicted)} | ${tok(r.measured)} | ${pct(r.error, true)} | ${tok(r.atMeasuredSources)} | ${pct(r.deviceShare.predicted)} / ${pct(r.deviceShare.measured)} |`);
  out.push("");
  if (c.medianAbsError !== null)
    out.push(`Median absolute error over ${c.compared} configuration${c.compared === 1 ? "" : "s"}: ${pct(c.medianAbsError)} (target ≤ ${pct(PREDICTION_TARGET)}${c.medianAbsError <= PREDICTION_TARGET ? ", met" : ", missed"}). The column "time model at measured sources" runs the same model on the bytes by source the runs measured (warm-up included): where it is close and the prediction is not, the simulator's hit rates are what missed.`);
  else out.push("No configuration has both a prediction and a measurement yet.");
  out.push("");
  return out;
}
