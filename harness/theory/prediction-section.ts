// The report's "predicted vs measured" section: the stored predictions (made from the workload,
// the simulator and the machine profile alone) beside what the runs measured, with the error
// per configuration and its median. Pure: a check in, lines out.

import type { StoredPredictions } from "./predict-plan.ts";
import type { DeviceAtSweep, PredictionCheck } from "./prediction-check.ts";

/** The target of DESIGN's what-if predictor: median absolute error over configurations. */
export const PREDICTION_TARGET = 0.15;

const tok = (x: number | null) => (x === null ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(2));
const pct = (x: number | null, signed = false) =>
  x === null ? "–" : `${signed ? (x >= 0 ? "+" : "−") : x < 0 ? "−" : ""}${Math.abs(x * 100).toFixed(1)} %`;

export function predictionSection(p: StoredPredictions, c: PredictionCheck, atSweep: readonly DeviceAtSweep[] = [], heading = "##"): string[] {
  const out = [`${heading} Predicted vs measured`, ""];
  out.push(
    `Predictions made ${p.createdAt} from the workload, the simulator (page-cache model ${p.simulator.pagecache}, readahead ${p.simulator.readaheadBytes === "auto" ? "per configuration from the profile's read amplification under io.fadvise normal" : `${p.simulator.readaheadBytes} bytes`}) and the machine profile of ${p.profile?.machine.hostname ?? "no machine"} (${p.profile?.measurements.length ?? 0} figures) — nothing measured on these configurations.`,
    "",
  );
  out.push("| configuration | predicted tok/s | measured tok/s [min–max] | error | measured without CPU contention | error | predicted at the sweep's device | error | time model at measured sources | device share predicted / measured |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of c.rows) {
    const range = r.measuredRange && r.measuredRange.max > r.measuredRange.min ? ` [${tok(r.measuredRange.min)}–${tok(r.measuredRange.max)}]` : "";
    out.push(`| ${r.config} | ${r.predicted === null ? `– (${r.missing.join("; ")})` : tok(r.predicted)} | ${tok(r.measured)}${range} | ${pct(r.error, true)} | ${tok(r.uncontended)} | ${pct(r.uncontendedError, true)} | ${tok(r.atSweepDevice)} | ${pct(r.atSweepDevice !== null && r.measured ? r.atSweepDevice / r.measured - 1 : null, true)} | ${tok(r.atMeasuredSources)} | ${pct(r.deviceShare.predicted)} / ${pct(r.deviceShare.measured)} |`);
  }
  out.push("");
  const met = (x: number) => `${pct(x)} (target ≤ ${pct(PREDICTION_TARGET)}${x <= PREDICTION_TARGET ? ", met" : ", missed"})`;
  if (c.medianAbsError !== null) {
    out.push(`Median absolute error over ${c.compared} configuration${c.compared === 1 ? "" : "s"}: ${met(c.medianAbsError)}; against the measurements without CPU contention: ${c.medianAbsUncontendedError === null ? "–" : met(c.medianAbsUncontendedError)}; predicted with the device as the sweep found it: ${c.medianAbsSweepDeviceError === null ? "–" : met(c.medianAbsSweepDeviceError)}.`);
    out.push("", "The predictions are for this machine alone; \"without CPU contention\" takes the decomposition's CPU contention (compute stages' wall minus CPU time, where runnable threads outnumbered the cores) out of each measured time — contention that slowed the reads stays in. \"Predicted at the sweep's device\" is the same prediction with the device reads the quick probe timed right before the sweep in place of the profile's. \"Time model at measured sources\" runs the same model on the bytes by source the runs measured, readahead included: where it is close and the prediction is not, the simulator's hit rates or the kernel's readahead are what missed.");
  } else out.push("No configuration has both a prediction and a measurement yet.");
  if (atSweep.length) {
    out.push("", "The device as the sweep found it (the quick probe right before the sweep) beside the figures the predictions used:", "");
    for (const d of atSweep) out.push(`- ${d.what}: ${d.sweepGbps.toFixed(2)} GB/s at the sweep, ${d.profileGbps === null ? "no figure" : `${d.profileGbps.toFixed(2)} GB/s`} in the profile`);
  }
  out.push("");
  return out;
}
