// The chart-config module: the one place that decides which charts a report has and what each
// shows, shared by the PNG renderer (report.md) and report.html. Pure: stored results in, Chart.js
// configurations out; each chart's builder lives in its own file beside this one.

import type { ChartConfiguration } from "chart.js";
import type { ResultSummary } from "../report/summarize.ts";
import type { ReportData } from "../report/report-data.ts";
import { STAGES } from "../results/derive-metrics.ts";
import { backgroundPlugin, whiskersPlugin, type WhiskerDataset } from "./chart-plugins.ts";
import { base, COLORS, wideSpan } from "./chart-style.ts";
import type { ChartGroup, ChartSpec } from "./chart-group.ts";
import { ceilingsChart } from "./ceilings-chart.ts";
import { waterfallCharts } from "./waterfall-chart.ts";
import { hitRateCharts } from "./hit-rate-chart.ts";
import { latencyChart } from "./latency-chart.ts";
import { sweepCharts } from "./sweep-chart.ts";
import { tokenSeriesCharts } from "./token-series-chart.ts";

export { COLORS } from "./chart-style.ts";
export type { ChartGroup, ChartSpec } from "./chart-group.ts";

/** Measured tok/s per variant (median, whiskers min–max over repeats) beside the I/O ceiling. */
export function tokSChart(s: ResultSummary): ChartSpec {
  const labels = s.variants.map((v) => v.variant);
  const measured = s.variants.map((v) => v.tokS?.median ?? null);
  const ceiling = s.variants.map((v) => v.ioCeilingTokS);
  const tops = s.variants.map((v) => v.tokS?.max ?? null);
  const all = [...measured, ...ceiling, ...tops].filter((x): x is number => x !== null && x > 0);
  const log = wideSpan(all);
  // Chart.js scales to the bars; the whiskers' tops must fit too.
  const suggestedMax = all.length ? Math.max(...all) * 1.05 : undefined;
  const o = base("tok/s per variant (median of repeats, min–max) and the I/O ceiling", "tokens / s");
  const datasets: (ChartConfiguration<"bar">["data"]["datasets"][number] & WhiskerDataset)[] = [
    {
      label: "measured tok/s",
      data: measured as number[],
      backgroundColor: COLORS.measured,
      whiskers: s.variants.map((v) => (v.tokS ? { min: v.tokS.min, max: v.tokS.max } : null)),
    },
  ];
  if (ceiling.some((c) => c !== null))
    datasets.push({ label: `I/O ceiling (routed expert bytes at ${s.deviceReadGbps?.toFixed(2)} GB/s)`, data: ceiling as number[], backgroundColor: COLORS.ceiling });
  return {
    id: "tok-s",
    title: "tok/s per variant beside the I/O ceiling",
    config: {
      type: "bar",
      data: { labels, datasets },
      options: { ...o, scales: { y: log ? { title: o.scales.y.title, type: "logarithmic", suggestedMax } : { ...o.scales.y, suggestedMax } } },
      plugins: [backgroundPlugin, whiskersPlugin],
    } as ChartSpec["config"],
  };
}

/** Wall ms per token by stage, stacked, per variant (medians over repeats). */
export function stageChart(s: ResultSummary): ChartSpec {
  const o = base("time per token by stage (median of repeats)", "ms / token");
  return {
    id: "stages",
    title: "time per token by stage",
    config: {
      type: "bar",
      data: {
        labels: s.variants.map((v) => v.variant),
        datasets: STAGES.map((stage) => ({
          label: stage,
          data: s.variants.map((v) => v.stageMsPerToken?.[stage] ?? 0),
          backgroundColor: COLORS.stages[stage],
        })),
      },
      options: { ...o, scales: { x: { stacked: true }, y: { ...o.scales.y, stacked: true } } },
      plugins: [backgroundPlugin],
    } as ChartSpec["config"],
  };
}

export const reportCharts = (s: ResultSummary): ChartSpec[] => [tokSChart(s), stageChart(s)];

/** The full chart set of a result set, in report order; each group says why where it has no data. */
export function chartSet(d: ReportData): ChartGroup[] {
  const stages = stageChart(d.summary);
  return [
    ceilingsChart(d.analyses),
    waterfallCharts(d.analyses),
    { id: "stages", title: "Time per token by stage", caption: "Wall ms per token in each engine stage, stacked, per configuration (medians over repeats, warm-up included).",
      charts: d.summary.variants.some((v) => v.stageMsPerToken) ? [stages] : [], ...(d.summary.variants.some((v) => v.stageMsPerToken) ? {} : { missing: "no successful run" }) },
    hitRateCharts(d.simulation, d.records),
    latencyChart(d.records),
    sweepCharts(d.records),
    tokenSeriesCharts(d.records),
  ];
}
