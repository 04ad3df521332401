// The gap waterfall of one configuration, in ms per token: the work its bytes and compute need
// at ceiling speed, then each loss on top of it (I/O inefficiency, prefetch interference, CPU
// contention, the remainder), ending at the observed time. Floating bars; a negative remainder
// steps down.

import type { ChartConfiguration } from "chart.js";
import type { VariantAnalysis } from "../theory/variant-analysis.ts";
import type { PartId } from "../theory/decompose.ts";
import { backgroundPlugin } from "./chart-plugins.ts";
import { base, COLORS } from "./chart-style.ts";
import type { ChartGroup, ChartSpec } from "./chart-group.ts";

const WORK: PartId[] = ["device", "pageCache", "expert", "dense", "bookkeeping"];
const LOSSES: PartId[] = ["ioInefficiency", "prefetch", "contention", "remainder"];

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

export function waterfallSpec(a: VariantAnalysis): ChartSpec {
  const d = a.decomposition;
  const ms = (id: PartId) => (d.parts.find((p) => p.id === id)?.s ?? 0) * 1e3;
  const labels: string[] = [];
  const bars: { kind: "work" | "loss" | "remainder" | "total"; range: [number, number] }[] = [];
  let at = 0;
  const step = (label: string, kind: "work" | "loss" | "remainder", v: number) => {
    labels.push(label);
    bars.push({ kind, range: [at, at + v] });
    at += v;
  };
  for (const id of WORK) step(d.parts.find((p) => p.id === id)!.label, "work", ms(id));
  labels.push("at ceiling speed"), bars.push({ kind: "total", range: [0, at] });
  for (const id of LOSSES) step(d.parts.find((p) => p.id === id)!.label, id === "remainder" ? "remainder" : "loss", ms(id));
  labels.push("observed"), bars.push({ kind: "total", range: [0, d.totalS * 1e3] });

  const series = (kind: (typeof bars)[number]["kind"], label: string, color: string) => ({
    label, backgroundColor: color,
    data: bars.map((b) => (b.kind === kind ? b.range : null)) as unknown as number[],
  });
  const o = base(`${a.variant}: from the work at ceiling speed to the observed time per token`, "ms / token");
  const config: ChartConfiguration<"bar"> = {
    type: "bar",
    data: {
      labels,
      datasets: [
        series("work", "work at ceiling speed", COLORS.work),
        series("loss", "time lost", COLORS.loss),
        series("remainder", "remainder (unexplained)", COLORS.remainder),
        series("total", "subtotal / observed", COLORS.total),
      ],
    },
    // one bar per label: the four series never share a category
    options: { ...o, datasets: { bar: { grouped: false } }, scales: { y: { ...o.scales.y, beginAtZero: true } } },
    plugins: [backgroundPlugin],
  };
  return { id: `waterfall-${slug(a.variant)}`, title: `gap waterfall — ${a.variant}`, config: config as ChartSpec["config"] };
}

export function waterfallCharts(analyses: readonly VariantAnalysis[]): ChartGroup {
  const group = { id: "waterfall", title: "The gap, from ceiling speed to observation",
    caption: "Per configuration, ms per token: what the bytes read and the compute need at the profile's rates (blue), then the time lost on top of it (red) and what no part explains (grey), ending at the observed time." };
  if (analyses.length === 0) return { ...group, charts: [], missing: "no successful run to decompose" };
  return { ...group, charts: analyses.map(waterfallSpec) };
}
