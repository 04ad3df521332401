// Chart.js configurations built from a result summary — the one place that decides what each
// chart shows, shared by the PNG renderer and the HTML report. Pure: summary in, config out.

import type { ChartConfiguration } from "chart.js";
import type { ResultSummary } from "../report/summarize.ts";
import { STAGES, type Stage } from "../results/derive-metrics.ts";
import { backgroundPlugin, whiskersPlugin, type WhiskerDataset } from "./chart-plugins.ts";

export interface ChartSpec {
  id: string;          // file stem: charts/<id>.png
  title: string;       // alt text and heading
  config: ChartConfiguration<"bar">;
}

export const COLORS = {
  measured: "#2f6db5",
  ceiling: "#c9ccd1",
  stages: { dense: "#6c8ebf", routing: "#b5739d", cache: "#d79b00", wait: "#b85450", expert: "#82b366", combine: "#7e6bb0" } satisfies Record<Stage, string>,
};

const base = (title: string, yTitle: string) => ({
  animation: false as const,
  responsive: false,
  devicePixelRatio: 1,
  plugins: { title: { display: true, text: title }, legend: { position: "bottom" as const } },
  scales: { y: { title: { display: true, text: yTitle }, beginAtZero: true } },
});

/** Bars whose values span more than this factor get a log axis, so a far ceiling does not
 * flatten the measured bars into the axis. */
const LOG_SPAN = 20;

/** Measured tok/s per variant (median, whiskers min–max over repeats) beside the I/O ceiling. */
export function tokSChart(s: ResultSummary): ChartSpec {
  const labels = s.variants.map((v) => v.variant);
  const measured = s.variants.map((v) => v.tokS?.median ?? null);
  const ceiling = s.variants.map((v) => v.ioCeilingTokS);
  const tops = s.variants.map((v) => v.tokS?.max ?? null);
  const all = [...measured, ...ceiling, ...tops].filter((x): x is number => x !== null && x > 0);
  const log = all.length > 0 && Math.max(...all) / Math.min(...all) > LOG_SPAN;
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
    },
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
    },
  };
}

export const reportCharts = (s: ResultSummary): ChartSpec[] => [tokSChart(s), stageChart(s)];
