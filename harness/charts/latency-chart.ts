// Per-token latency distribution per configuration: the cumulative share of tokens (after each
// run's warm-up, repeats pooled) finishing within x ms — medians, tails and spread in one view.

import type { ChartConfiguration } from "chart.js";
import type { RunRecord } from "../results/run-record.ts";
import { quantile } from "../results/summary-stats.ts";
import { backgroundPlugin } from "./chart-plugins.ts";
import { LINE_LEGEND, lineStyle, sizeFor, wideSpan } from "./chart-style.ts";
import type { ChartGroup } from "./chart-group.ts";

/** Points per curve: quantiles at evenly spaced shares keep the HTML small for long runs. */
const STEPS = 200;

/** Per-token ms after the warm-up of each ok run of a configuration, pooled. */
export function measuredTokenMs(records: readonly RunRecord[], config: string): number[] {
  return records
    .filter((r) => r.run.variant === config && r.status === "ok" && r.samples && r.derived)
    .flatMap((r) => r.samples!.tokenTimesS.slice(r.derived!.tokens - r.derived!.measuredTokens).map((s) => s * 1e3));
}

export function cdfPoints(ms: readonly number[]): { x: number; y: number }[] {
  if (ms.length === 0) return [];
  const n = Math.min(STEPS, ms.length);
  return Array.from({ length: n + 1 }, (_, i) => ({ x: quantile(ms, i / n), y: (100 * i) / n }));
}

export function latencyChart(records: readonly RunRecord[]): ChartGroup {
  const group = { id: "latency", title: "Per-token latency distribution",
    caption: "Cumulative share of tokens finishing within x ms, per configuration: every measured token after the warm-up, repeats pooled. A step far right is a tail; a curve shifted right is slower throughout." };
  const configs = [...new Set(records.map((r) => r.run.variant))];
  const curves = configs.map((c) => ({ c, pts: cdfPoints(measuredTokenMs(records, c)) })).filter((x) => x.pts.length > 0);
  if (curves.length === 0) return { ...group, charts: [], missing: "no run recorded per-token times" };
  const xs = curves.flatMap((c) => c.pts.map((p) => p.x));
  const config: ChartConfiguration<"line"> = {
    type: "line",
    data: {
      datasets: curves.map(({ c, pts }, i) => ({ label: c, data: pts, ...lineStyle(i), borderWidth: 2, pointRadius: 0, stepped: true })),
    },
    options: {
      animation: false, responsive: false, devicePixelRatio: 1,
      plugins: { title: { display: true, text: "per-token latency, cumulative (after warm-up)" }, legend: LINE_LEGEND },
      scales: {
        x: { type: wideSpan(xs) ? "logarithmic" : "linear", title: { display: true, text: "ms per token" } },
        y: { min: 0, max: 100, title: { display: true, text: "% of tokens within x" } },
      },
    },
    plugins: [backgroundPlugin],
  };
  return { ...group, charts: [{ id: "latency-cdf", title: group.title, config: config as never, size: sizeFor(curves.length) }] };
}
