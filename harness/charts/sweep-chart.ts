// Sweep lines: tok/s against each swept axis, one line per variant (and per value of the other
// axes), with the 95 % interval of the mean over repeats as whiskers (min–max below two runs).
// Along an axis of names (io.fadvise: normal, random) the variants are grouped bars instead, so
// that their intervals stand side by side rather than on top of each other.

import type { ChartConfiguration } from "chart.js";
import type { RunRecord } from "../results/run-record.ts";
import { ci95, median } from "../results/summary-stats.ts";
import { backgroundPlugin, whiskersPlugin } from "./chart-plugins.ts";
import { base, color, LINE_LEGEND, lineStyle, sizeFor } from "./chart-style.ts";
import type { ChartGroup, ChartSpec } from "./chart-group.ts";

type Value = string | number | boolean;
/** The parts of a stored run spec this chart reads (RunRecord.spec is stored verbatim). */
interface SpecLike { variant?: string; point?: Record<string, Value> }

const specOf = (r: RunRecord) => (r.spec ?? {}) as SpecLike;
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
const byValue = (a: Value, b: Value) => (typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b)));

/** Every swept axis of the stored runs, with how many of its values they cover. */
export function sweptAxes(records: readonly RunRecord[]): { axis: string; values: number }[] {
  const values = new Map<string, Set<string>>();
  for (const r of records)
    for (const [k, v] of Object.entries(specOf(r).point ?? {})) values.set(k, (values.get(k) ?? new Set()).add(JSON.stringify(v)));
  return [...values].map(([axis, vs]) => ({ axis, values: vs.size }));
}

function axisChart(records: readonly RunRecord[], axis: string): ChartSpec {
  const ok = records.filter((r) => r.status === "ok" && r.derived?.tokS != null && specOf(r).point && axis in specOf(r).point!);
  const xs = [...new Map(ok.map((r) => [JSON.stringify(specOf(r).point![axis]), specOf(r).point![axis]!])).values()].sort(byValue);
  // a line: the variant and the other axes' values
  const lineOf = (r: RunRecord) => {
    const others = Object.entries(specOf(r).point!).filter(([k]) => k !== axis).map(([k, v]) => `${k}=${v}`);
    return [specOf(r).variant ?? r.run.variant, ...others].join(" ");
  };
  const lines = [...new Set(ok.map(lineOf))];
  const numeric = xs.every((x) => typeof x === "number");
  const datasets = lines.map((line, i) => {
    const at = xs.map((x) => ok.filter((r) => lineOf(r) === line && specOf(r).point![axis] === x).map((r) => r.derived!.tokS!));
    return {
      label: line,
      ...(numeric ? { ...lineStyle(i), borderWidth: 2, pointRadius: 4, spanGaps: true } : { backgroundColor: color(i) }),
      data: at.map((v) => (v.length ? median(v) : null)) as number[],
      whiskers: at.map((v) => {
        const ci = ci95(v);
        return ci ? { min: ci.low, max: ci.high } : v.length ? { min: Math.min(...v), max: Math.max(...v) } : null;
      }),
    };
  });
  const tops = datasets.flatMap((d) => d.whiskers.map((w) => w?.max ?? 0));
  const o = base(`tok/s against ${axis} (median; whiskers: 95 % interval of the mean, min–max below two repeats)`, "tokens / s");
  const config: ChartConfiguration<"line" | "bar"> = {
    type: numeric ? "line" : "bar",
    data: { labels: xs.map(String), datasets },
    options: { ...o, plugins: { ...o.plugins, ...(numeric ? { legend: LINE_LEGEND } : {}) }, scales: { x: { title: { display: true, text: axis } }, y: { ...o.scales.y, suggestedMax: Math.max(0, ...tops) } } },
    plugins: [backgroundPlugin, whiskersPlugin],
  };
  return { id: `sweep-${slug(axis)}`, title: `tok/s against ${axis}`, config: config as never, size: sizeFor(lines.length) };
}

export function sweepCharts(records: readonly RunRecord[]): ChartGroup {
  const group = { id: "sweep", title: "tok/s along the swept axes",
    caption: "For every axis the experiment sweeps: median tok/s per variant at each value — lines along a numeric axis, grouped bars along one of names — with whiskers the 95 % interval of the mean over repeats (min–max where fewer than two repeats ran)." };
  const axes = sweptAxes(records);
  if (axes.length === 0) return { ...group, charts: [], missing: "this experiment sweeps no axis (its configurations are named variants only)" };
  const drawn = axes.filter((a) => a.values > 1);
  const single = axes.filter((a) => a.values === 1).map((a) => a.axis);
  const note = single.length ? { missing: `the recorded runs cover one value of ${single.join(", ")} so far: no line to draw there` } : {};
  return { ...group, charts: drawn.map((a) => axisChart(records, a.axis)), ...note };
}
