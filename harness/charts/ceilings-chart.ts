// Observed tok/s beside every ceiling of DESIGN §5, per configuration: the paper's I/O ceiling,
// the I/O ceiling at the measured hit rates, compute, and the serial and overlapped bounds.

import type { ChartConfiguration } from "chart.js";
import type { VariantAnalysis } from "../theory/variant-analysis.ts";
import { CEILING_SHORT, type CeilingId } from "../theory/ceilings.ts";
import { median } from "../results/summary-stats.ts";
import { backgroundPlugin, whiskersPlugin, type WhiskerDataset } from "./chart-plugins.ts";
import { base, COLORS, finite, wideSpan } from "./chart-style.ts";
import type { ChartGroup } from "./chart-group.ts";

const IDS = Object.keys(CEILING_SHORT) as CeilingId[];

export function ceilingsChart(analyses: readonly VariantAnalysis[]): ChartGroup {
  const group = { id: "ceilings", title: "Observed tok/s beside every ceiling",
    caption: "Median observed tok/s per configuration (whiskers: min–max over repeats) beside the four ceilings; a ceiling that cannot be computed from the profile is left out." };
  const tokS = (id: CeilingId) => analyses.map((a) => finite(a.ceilings.find((c) => c.id === id)?.tokS));
  const present = IDS.filter((id) => tokS(id).some((v) => v !== null));
  if (analyses.length === 0 || present.length === 0)
    return { ...group, charts: [], missing: analyses.length === 0 ? "no successful run to analyse" : "no ceiling could be computed: the profile snapshot has no device read bandwidth" };

  const observed = analyses.map((a) => (a.tokS.length ? median(a.tokS) : null));
  const datasets: (ChartConfiguration<"bar">["data"]["datasets"][number] & WhiskerDataset)[] = [
    { label: "observed", data: observed as number[], backgroundColor: COLORS.measured,
      whiskers: analyses.map((a) => (a.tokS.length ? { min: Math.min(...a.tokS), max: Math.max(...a.tokS) } : null)) },
    ...present.map((id) => ({ label: CEILING_SHORT[id], data: tokS(id) as number[], backgroundColor: COLORS.ceilings[id] })),
  ];
  const all = [...observed, ...present.flatMap(tokS), ...analyses.flatMap((a) => a.tokS)];
  const o = base("observed tok/s and its ceilings", "tokens / s");
  const max = Math.max(...all.filter((v): v is number => v !== null)) * 1.05;
  const y = wideSpan(all) ? { title: o.scales.y.title, type: "logarithmic" as const, suggestedMax: max } : { ...o.scales.y, suggestedMax: max };
  return {
    ...group,
    charts: [{
      id: "ceilings", title: group.title,
      config: { type: "bar", data: { labels: analyses.map((a) => a.variant), datasets }, options: { ...o, scales: { y } }, plugins: [backgroundPlugin, whiskersPlugin] },
    }],
  };
}
