// Over the tokens of a run, per configuration: time per token (rolling mean over the plateau
// window) with the warm-up shaded and the start of steady state marked, and — where the engine
// recorded per-token counters — the application-cache hit rate and residency on a second axis.

import type { ChartConfiguration } from "chart.js";
import type { RunRecord } from "../results/run-record.ts";
import { median } from "../results/summary-stats.ts";
import { backgroundPlugin, regionsPlugin, type RegionsOptions } from "./chart-plugins.ts";
import { COLORS } from "./chart-style.ts";
import type { ChartGroup, ChartSpec } from "./chart-group.ts";

/** Per-token counters of a run (samples.tokenCounters, the engine's tb_token_counters_read):
 * requests, app_hits and resident_entries (application-cache slots occupied at the token's end). */
export type TokenCounters = Partial<Record<"requests" | "app_hits" | "resident_entries", number[]>>;

/** Absent in records written before the engine counted per token. */
export const tokenCountersOf = (r: RunRecord): TokenCounters | null => r.samples?.tokenCounters ?? null;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

/** Trailing rolling mean over w values (fewer at the start). */
export function rolling(xs: readonly number[], w: number): number[] {
  let sum = 0;
  return xs.map((x, i) => {
    sum += x - (i >= w ? xs[i - w]! : 0);
    return sum / Math.min(i + 1, w);
  });
}

/** Value-by-token median over runs (runs may differ in length). */
function medianByToken(series: readonly (readonly number[])[]): number[] {
  const n = Math.max(0, ...series.map((s) => s.length));
  return Array.from({ length: n }, (_, t) => median(series.flatMap((s) => (t < s.length ? [s[t]!] : []))));
}

function configChart(config: string, runs: readonly RunRecord[]): ChartSpec {
  const d = runs[0]!.derived!;
  const w = d.steady.window;
  const ms = rolling(medianByToken(runs.map((r) => r.samples!.tokenTimesS.map((s) => s * 1e3))), w);
  const starts = runs.flatMap((r) => (r.derived!.steady.plateaued ? [r.derived!.steady.startToken] : []));
  const regions: RegionsOptions = { warmupEnd: d.tokens - d.measuredTokens, steadyStart: starts.length ? median(starts) : null };
  const xy = (ys: readonly number[]) => ys.map((y, x) => ({ x, y }));
  const datasets: ChartConfiguration<"line">["data"]["datasets"] = [
    { label: `ms per token (rolling mean over ${w})`, data: xy(ms), borderColor: COLORS.measured, backgroundColor: COLORS.measured, borderWidth: 2, pointRadius: 0, yAxisID: "y" },
  ];
  const counters = runs.map(tokenCountersOf).filter((c): c is TokenCounters => c !== null);
  // without an application cache there is no hit rate or residency to draw
  const capacity = runs[0]!.samples!.stats.cache_capacity_entries ?? 0;
  const hits = capacity > 0 ? counters.filter((c) => c.app_hits && c.requests) : [];
  if (hits.length) {
    const rate = medianByToken(hits.map((c) => rolling(c.app_hits!, w).map((h, t) => {
      const req = rolling(c.requests!, w)[t]!;
      return req > 0 ? (100 * h) / req : 0;
    })));
    datasets.push({ label: `application-cache hit rate, % (rolling over ${w})`, data: xy(rate), borderColor: "#2e7d32", backgroundColor: "#2e7d32", borderWidth: 2, pointRadius: 0, yAxisID: "y1" });
  }
  const resident = counters.filter((c) => c.resident_entries);
  if (resident.length && capacity > 0)
    datasets.push({ label: "application cache filled, % of its entries", data: xy(medianByToken(resident.map((c) => c.resident_entries!.map((e) => (100 * e) / capacity)))), borderColor: "#d79b00", backgroundColor: "#d79b00", borderWidth: 2, borderDash: [5, 3], pointRadius: 0, yAxisID: "y1" });
  const right = datasets.length > 1;
  const chart: ChartConfiguration<"line"> = {
    type: "line",
    data: { datasets },
    options: {
      animation: false, responsive: false, devicePixelRatio: 1,
      plugins: { title: { display: true, text: `${config}: over the tokens of a run (median of ${runs.length} repeat${runs.length > 1 ? "s" : ""})` }, legend: { position: "bottom" }, tierbenchRegions: regions } as never,
      scales: {
        x: { type: "linear", min: 0, max: Math.max(1, ms.length - 1), title: { display: true, text: "token" } },
        y: { beginAtZero: true, title: { display: true, text: "ms per token" } },
        ...(right ? { y1: { position: "right" as const, min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "%" } } } : {}),
      },
    },
    plugins: [backgroundPlugin, regionsPlugin],
  };
  return { id: `tokens-${slug(config)}`, title: `over tokens — ${config}`, config: chart as never };
}

export function tokenSeriesCharts(records: readonly RunRecord[]): ChartGroup {
  const group = { id: "tokens", title: "Warm-up and steady state over tokens",
    caption: "Per configuration, over the tokens of a run: time per token (rolling mean over the plateau rule's window), the warm-up shaded and the plateau rule's start of steady state dashed; with per-token counters, the application cache's hit rate and how full it is." };
  const ok = records.filter((r) => r.status === "ok" && r.derived && (r.samples?.tokenTimesS.length ?? 0) > 1);
  const configs = [...new Set(ok.map((r) => r.run.variant))];
  if (configs.length === 0) return { ...group, charts: [], missing: "no run recorded per-token times" };
  const charts = configs.map((c) => configChart(c, ok.filter((r) => r.run.variant === c)));
  const counted = ok.some((r) => tokenCountersOf(r)?.app_hits);
  return { ...group, charts, ...(counted ? {} : { missing: "these results carry no per-token counters (recorded before the engine counted per token): hit rate and residency over tokens are not drawn; re-running the experiment records them" }) };
}
