// `trace stats` charts (Chart.js bar charts rendered to PNG by harness/charts): every source side
// by side, with the published figures as their own series where a source carries them.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChartConfiguration } from "chart.js";
import { renderPng } from "../../charts/render-png.ts";
import { backgroundPlugin } from "../../charts/chart-plugins.ts";
import type { LabelledStats } from "./stats-table.ts";

export interface StatsChart {
  id: string; // file suffix
  config: ChartConfiguration<"bar">;
  width: number; // pixels
}

const PALETTE = ["#2f6db5", "#d79b00", "#82b366", "#b85450", "#7e6bb0", "#6c8ebf"];
const PUBLISHED = "#8a8f98";

function bar(title: string, yTitle: string, labels: string[], datasets: { label: string; data: (number | null)[]; color: string }[],
  xTitle?: string): ChartConfiguration<"bar"> {
  return {
    type: "bar",
    data: { labels, datasets: datasets.map((d) => ({ label: d.label, data: d.data as number[], backgroundColor: d.color })) },
    options: {
      animation: false, responsive: false, devicePixelRatio: 1,
      plugins: { title: { display: true, text: title }, legend: { position: "bottom" } },
      scales: {
        x: { title: { display: xTitle !== undefined, text: xTitle ?? "" } },
        y: { beginAtZero: true, title: { display: true, text: yTitle } },
      },
    },
    plugins: [backgroundPlugin],
  };
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : 100 * x);

/** Pure: statistics in, chart configurations out. */
export function statsCharts(sources: LabelledStats[]): StatsChart[] {
  const first = sources[0]!.stats;
  const series = (f: (s: LabelledStats) => (number | null)[]) =>
    sources.map((s, i) => ({ label: s.label, data: f(s), color: PALETTE[i % PALETTE.length]! }));
  const published = sources.find((s) => s.published)?.published;
  const lru = series((s) => s.stats.overall.lruHitRate.map(pct));
  if (published)
    lru.push({ label: `published: ${published.label}`, color: PUBLISHED,
      data: first.capacities.map((c) => pct(published.lruHitRate[published.capacities.indexOf(c)] ?? null)) });
  const layers = first.layers.map((l) => `${l.layer}`);
  const wide = Math.max(900, 24 * layers.length * Math.min(sources.length, 3));
  const band = published ? ` (published: every layer ${100 * published.overlap.min}–${100 * published.overlap.max} %)` : "";
  const charts: StatsChart[] = [
    { id: "lru-hit-rate", width: 900, config: bar("LRU hit rate per layer, mean over layers (warm-up " +
      `${first.warmupTokens} tokens)`, "hit rate, %", first.capacities.map((c) => `${c} entries`), lru) },
    { id: "overlap", width: wide, config: bar(`consecutive-token overlap per layer${band}`, "overlap, %", layers,
      series((s) => s.stats.layers.map((l) => pct(l.overlap))), "layer") },
    { id: "reuse-distance", width: 900, config: bar("reuse distance (distinct experts since the last request), share of requests",
      "requests, %", first.reuseBins, series((s) => {
        const h = s.stats.overall.reuseHistogram, total = h.reduce((a, b) => a + b, 0);
        return h.map((c) => (total ? (100 * c) / total : 0));
      })) },
    { id: "distinct", width: 900, config: bar("distinct experts per layer within a window of tokens", "experts",
      first.windows.map((w) => `${w} tokens`), series((s) => s.stats.overall.distinct)) },
    { id: "popularity-skew", width: wide, config: bar("share of requests to the top 10 % of experts, per layer", "requests, %", layers,
      series((s) => s.stats.layers.map((l) => pct(l.top10Share))), "layer") },
  ];
  if (first.crossLayer.length)
    charts.push({ id: "cross-layer", width: wide, config: bar("cross-layer lift: precision gained guessing layer l+1 from layer l",
      "points", first.crossLayer.map((p) => `${p.from}→${p.from + 1}`), series((s) => s.stats.crossLayer.map((p) => pct(p.lift))),
      "layer pair") });
  for (const [i, s] of sources.entries())
    charts.push({ id: `layers-${i + 1}`, width: wide, config: bar(`${s.label}: LRU hit rate per layer`, "hit rate, %", layers,
      s.stats.capacities.map((c, ci) => ({ label: `${c} entries`, color: PALETTE[ci % PALETTE.length]!,
        data: s.stats.layers.map((l) => pct(l.lruHitRate[ci])) })), "layer") });
  return charts;
}

/** Renders every chart to <dir>/<stem>-<id>.png; returns the paths written. */
export async function writeStatsCharts(sources: LabelledStats[], dir: string, stem: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const safe = stem.replace(/[^A-Za-z0-9._+-]+/g, "_").slice(0, 80);
  const files: string[] = [];
  for (const c of statsCharts(sources)) {
    const file = join(dir, `${safe}-${c.id}.png`);
    writeFileSync(file, (await renderPng(c.config, { width: c.width, height: 450 })).png);
    files.push(file);
  }
  return files;
}
