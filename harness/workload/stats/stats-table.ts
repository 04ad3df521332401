// `trace stats` as text: one summary row per routing source (and a row of published figures
// when a source carries them), then a per-layer table for each source.

import { num, pct, textTable } from "../text-table.ts";
import type { TraceStats } from "./trace-stats.ts";

/** Figures a source is meant to reproduce (a calibrated workload's targets). */
export interface Published {
  label: string; // e.g. "Flash-MoE, Qwen3.5-397B-A17B, 200 tokens from cold"
  capacities: number[];
  lruHitRate: number[]; // fractions, per capacity
  overlap: { min: number; max: number }; // fractions
}

export interface LabelledStats {
  label: string;
  stats: TraceStats;
  published?: Published;
}

function summaryRows(s: LabelledStats, capacities: number[]): string[][] {
  const o = s.stats.overall;
  const g = s.stats.geometry;
  const row = [
    s.label, `${g.tokens}`, `${g.layers}`, `${g.experts}`, `${g.k}`,
    ...o.lruHitRate.map((x) => pct(x)),
    `${pct(o.overlap.mean)} (${pct(o.overlap.min, 0)}–${pct(o.overlap.max, 0)})`,
    pct(o.top10Share), num(o.distinctAll), o.crossLayer ? `${(100 * o.crossLayer.lift).toFixed(1)} pt` : "-",
  ];
  const rows = [row];
  const p = s.published;
  if (p) {
    const rates = capacities.map((c) => { const i = p.capacities.indexOf(c); return i < 0 ? "-" : pct(p.lruHitRate[i]); });
    rows.push([`  published: ${p.label}`, "", "", "", "", ...rates, `${pct(p.overlap.min, 0)}–${pct(p.overlap.max, 0)}`, "", "", ""]);
  }
  return rows;
}

export function summaryTable(sources: LabelledStats[]): string {
  const capacities = sources[0]!.stats.capacities;
  const header = ["source", "tokens", "layers", "experts", "K", ...capacities.map((c) => `LRU@${c}`),
    "overlap mean (min–max)", "top-10% share", "distinct/layer", "cross-layer lift"];
  return textTable(header, sources.flatMap((s) => summaryRows(s, capacities)));
}

export function layerTable(s: TraceStats): string {
  const header = ["layer", ...s.capacities.map((c) => `LRU@${c}`), "overlap", "top-10%",
    ...s.windows.map((w) => `distinct/${w}tok`), "distinct", "lift→next"];
  const rows = s.layers.map((l) => [
    `${l.layer}`, ...l.lruHitRate.map((x) => pct(x)), pct(l.overlap), pct(l.top10Share),
    ...l.distinct.map((d) => num(d)), `${l.distinctAll}`,
    s.crossLayer[l.layer] ? `${(100 * s.crossLayer[l.layer]!.lift).toFixed(1)} pt` : "-",
  ]);
  return textTable(header, rows);
}
