// The sections theory adds to a result set's report.md: ceilings, decomposition, verdicts and
// warnings per configuration, every stored `compare:` entry judged and explained, and stored
// predictions beside the measurements.

import type { Comparison } from "../experiment/schema.ts";
import type { MachineProfile } from "../probe/machine-profile.ts";
import type { RunRecord } from "../results/run-record.ts";
import { compareRuns } from "../compare/compare-runs.ts";
import { compareSection } from "../compare/compare-section.ts";
import { warmupTokS, warmupTokens } from "../compare/warmup-metric.ts";
import { gapSection } from "./gap-section.ts";
import { analyseResults } from "./variant-analysis.ts";
import type { StoredPredictions } from "./predict-plan.ts";
import { checkPredictions, deviceAtSweep } from "./prediction-check.ts";
import type { Measurement } from "../probe/machine-profile.ts";
import { predictionSection } from "./prediction-section.ts";
import { machineRates } from "./profile-rates.ts";

export function bottleneckSections(o: {
  records: readonly RunRecord[];
  profile: MachineProfile | null;
  compare: readonly Comparison[];
  denseBitsOf?: (preset: string) => number | null;
  predictions?: StoredPredictions | null;
  sweepStartReads?: Measurement[];   // the device reads timed right before the sweep (drift.jsonl)
}): string[] {
  const analyses = analyseResults(o.records, o.profile, o.denseBitsOf);
  const results = compareRuns(o.records, o.compare);
  const byConfig = new Map(analyses.map((a) => [a.variant, a.decomposition]));
  const predicted = o.predictions
    ? predictionSection(o.predictions, checkPredictions(o.predictions, analyses, undefined, o.sweepStartReads), deviceAtSweep(o.sweepStartReads ?? [], machineRates(o.predictions.profile)))
    : [];
  const tokens = warmupTokens(o.records);
  const warm = tokens === null ? undefined : { tokens, results: compareRuns(o.records, o.compare, warmupTokS) };
  return [...gapSection(analyses), ...compareSection(results, (c) => byConfig.get(c) ?? null, "##", warm), ...predicted];
}
