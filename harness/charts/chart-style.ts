// What every chart shares: colours, the fixed-size non-animated base options (so PNG and HTML
// draw the same pixels) and the rule for switching a value axis to a log scale.

import type { Stage } from "../results/derive-metrics.ts";
import type { CeilingId } from "../theory/ceilings.ts";

export const COLORS = {
  measured: "#2f6db5",
  ceiling: "#c9ccd1",
  stages: { dense: "#6c8ebf", routing: "#b5739d", cache: "#d79b00", wait: "#b85450", expert: "#82b366", combine: "#7e6bb0" } satisfies Record<Stage, string>,
  ceilings: { paperIo: "#c9ccd1", ioAtSources: "#8a8f98", compute: "#82b366", serial: "#d79b00", overlapped: "#b85450" } satisfies Record<CeilingId, string>,
  work: "#6c8ebf",     // waterfall: time the work needs at ceiling speed
  loss: "#b85450",     // waterfall: time beyond it
  remainder: "#8a8f98",
  total: "#2f6db5",
};

/** Distinct line colours, in order; OPT is drawn black and dashed elsewhere. */
export const PALETTE = ["#2f6db5", "#d79b00", "#82b366", "#b85450", "#7e6bb0", "#6c8ebf", "#b5739d", "#8a8f98",
  "#17becf", "#bcbd22", "#8c564b", "#e377c2", "#1b9e77", "#636363"];

export const color = (i: number) => PALETTE[i % PALETTE.length]!;

/** Dash patterns for lines beyond the palette, so no two of up to 42 lines look alike. */
const DASHES = [[], [6, 3], [2, 2]];

/** A legend of line samples (dash included) rather than filled boxes. */
export const LINE_LEGEND = { position: "bottom" as const, labels: { usePointStyle: true, pointStyle: "line" as const } };

/** Taller charts for long legends: about three entries fit a legend row. */
export const sizeFor = (entries: number) => ({ width: 900, height: 420 + 22 * Math.ceil(entries / 3) });

/** The i-th line's colour and dash. */
export const lineStyle = (i: number) => ({
  borderColor: color(i), backgroundColor: color(i), borderDash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length]!,
});

export const base = (title: string, yTitle: string) => ({
  animation: false as const,
  responsive: false,
  devicePixelRatio: 1,
  plugins: { title: { display: true, text: title }, legend: { position: "bottom" as const } },
  scales: { y: { title: { display: true, text: yTitle }, beginAtZero: true } },
});

/** Values spanning more than this factor get a log axis, so a far ceiling or a long tail does
 * not flatten the rest into the axis. */
export const LOG_SPAN = 20;

export function wideSpan(values: readonly (number | null | undefined)[]): boolean {
  const v = values.filter((x): x is number => typeof x === "number" && Number.isFinite(x) && x > 0);
  return v.length > 0 && Math.max(...v) / Math.min(...v) > LOG_SPAN;
}

/** A finite number or null (Chart.js skips nulls; JSON keeps them). */
export const finite = (x: number | null | undefined): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
