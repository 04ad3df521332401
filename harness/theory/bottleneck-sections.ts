// The sections theory adds to a result set's report.md: ceilings, decomposition, verdicts and
// warnings per configuration, then every stored `compare:` entry judged and explained.

import type { Comparison } from "../experiment/schema.ts";
import type { MachineProfile } from "../probe/machine-profile.ts";
import type { RunRecord } from "../results/run-record.ts";
import { compareRuns } from "../compare/compare-runs.ts";
import { compareSection } from "../compare/compare-section.ts";
import { gapSection } from "./gap-section.ts";
import { analyseResults } from "./variant-analysis.ts";

export function bottleneckSections(o: {
  records: readonly RunRecord[];
  profile: MachineProfile | null;
  compare: readonly Comparison[];
  denseBitsOf?: (preset: string) => number | null;
}): string[] {
  const analyses = analyseResults(o.records, o.profile, o.denseBitsOf);
  const results = compareRuns(o.records, o.compare);
  const byConfig = new Map(analyses.map((a) => [a.variant, a.decomposition]));
  return [...gapSection(analyses), ...compareSection(results, (c) => byConfig.get(c) ?? null)];
}
