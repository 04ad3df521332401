// Every `compare:` entry of an experiment judged on its stored runs: per sweep point, b's tok/s
// against a's, paired by repeat, with the 95 % interval and the ordered verdict rules.

import type { Comparison } from "../experiment/schema.ts";
import type { RunRecord } from "../results/run-record.ts";
import { canonicalJson } from "../results/spec-hash.ts";
import { pairedRatio, type PairedRatio } from "./paired-ratio.ts";
import { judge, type VerdictResult } from "./verdict-rules.ts";

export interface ComparisonResult {
  comparison: Comparison;
  point: Record<string, unknown>;  // the sweep point both sides share ({} without a sweep)
  a: string;                       // configuration ids (variant plus sweep point)
  b: string;
  ratio: PairedRatio;
  verdict: VerdictResult;
}

interface SpecLike { variant?: string; config?: string; point?: Record<string, unknown>; repeat?: number }

const specOf = (r: RunRecord): SpecLike => (r.spec && typeof r.spec === "object" ? (r.spec as SpecLike) : {});
const variantOf = (r: RunRecord) => specOf(r).variant ?? r.run.variant;
const repeatOf = (r: RunRecord) => specOf(r).repeat ?? r.run.repeat;

/** The metric a comparison pairs: tok/s after warm-up, unless another is given (null: unusable). */
export type RunMetric = (r: RunRecord) => number | null;
const steadyTokS: RunMetric = (r) => r.derived?.tokS ?? null;

export function compareRuns(records: readonly RunRecord[], comparisons: readonly Comparison[], metricOf: RunMetric = steadyTokS): ComparisonResult[] {
  const out: ComparisonResult[] = [];
  for (const c of comparisons) {
    const points = new Map<string, { point: Record<string, unknown>; a: Map<number, number>; b: Map<number, number>; ids: { a: string; b: string } }>();
    for (const r of records) {
      const side = variantOf(r) === c.a ? "a" : variantOf(r) === c.b ? "b" : null;
      if (!side) continue;
      const point = specOf(r).point ?? {};
      const key = canonicalJson(point);
      const slot = points.get(key) ?? { point, a: new Map(), b: new Map(), ids: { a: c.a, b: c.b } };
      slot.ids[side] = specOf(r).config ?? r.run.variant;
      // a failed run has no metric and leaves its pair unpaired.
      const v = r.status === "ok" ? metricOf(r) : null;
      if (v !== null) slot[side].set(repeatOf(r), v);
      else if (!slot[side].has(repeatOf(r))) slot[side].set(repeatOf(r), NaN);
      points.set(key, slot);
    }
    for (const p of points.values()) {
      const ratio = pairedRatio(p.a, p.b);
      out.push({ comparison: c, point: p.point, a: p.ids.a, b: p.ids.b, ratio, verdict: judge(ratio.ci, ratio.pairs.length, c.published) });
    }
  }
  return out;
}
