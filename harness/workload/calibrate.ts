// The calibration search: synthetic-routing parameters whose per-layer LRU hit rates and
// consecutive overlap match a published target. A coarse grid, then a pattern search with
// halving steps; every evaluation is reported to `record` so the search can be replayed.

import type { CalibrationTarget } from "./calibration-targets.ts";
import type { Trace } from "./trace-file.ts";
import { layerRequests } from "./stats/layer-sets.ts";
import { lruHitRate, stackDistances } from "./stats/stack-distance.ts";
import { consecutiveOverlap } from "./stats/overlap.ts";

/** The searched parameters (routing.* keys without the prefix). */
export interface WorkloadParams {
  zipf: number;
  reuse: number;
  reuse_window: number;
  topic_shift: number;
}

/** Held fixed during the search (workload-presets.json says why, per preset). */
export interface FixedParams {
  zipf_spread: number;
  topic_every: number;
  cross_layer: number;
}

/** What one generated workload measured: overall LRU hit rate per capacity, overlap per layer. */
export interface Measured {
  lruHitRate: number[];
  overlap: number[];
}

export type Evaluate = (p: WorkloadParams, seed: number) => Measured;

/** The two figures the target constrains, from a generated trace (warm-up 0). */
export function measure(t: Trace, capacities: number[]): Measured {
  const hits = capacities.map(() => 0);
  const overlap: number[] = [];
  for (let l = 0; l < t.layers; l++) {
    const d = stackDistances(layerRequests(t, l), t.experts);
    capacities.forEach((c, i) => { hits[i]! += lruHitRate(d, c) / t.layers; });
    overlap.push(consecutiveOverlap(t, l, new Set()));
  }
  return { lruHitRate: hits, overlap };
}

export interface Evaluation {
  step: string; // "grid" or "refine"
  params: WorkloadParams;
  seeds: number[];
  lruHitRate: number[]; // mean over seeds
  overlap: { min: number; mean: number; max: number }; // over layers and seeds
  loss: number;
}

export interface SearchSpace {
  grid: { zipf: number[]; reuse: number[]; reuse_window: number[]; topic_shift: number[] };
  bounds: { zipf: [number, number]; reuse: [number, number]; topic_shift: [number, number] };
  steps: { zipf: number; reuse: number; topic_shift: number }; // first refinement steps
  minSteps: { zipf: number; reuse: number; topic_shift: number }; // stop below these
}

export const DEFAULT_SPACE: SearchSpace = {
  grid: { zipf: [0.8, 0.9, 1.0, 1.1, 1.2, 1.3], reuse: [0.1, 0.2, 0.3, 0.4], reuse_window: [2, 4, 8], topic_shift: [0.25, 0.5, 0.75] },
  bounds: { zipf: [0.3, 2.5], reuse: [0, 0.9], topic_shift: [0, 1] },
  steps: { zipf: 0.05, reuse: 0.05, topic_shift: 0.125 },
  minSteps: { zipf: 0.005, reuse: 0.005, topic_shift: 0.015 },
};

/** Overlap must stay inside the published band by this margin (fraction), so that seed noise
 *  does not carry a layer across the edge. */
const OVERLAP_MARGIN = 0.01;

/** Squared distance in percentage points: hit rates from their targets, plus every layer's
 *  overlap outside the (narrowed) published band. */
export function loss(m: { lruHitRate: number[]; overlaps: number[] }, t: CalibrationTarget): number {
  let sum = 0;
  m.lruHitRate.forEach((h, i) => { sum += (100 * (h - t.lruHitRate[i]!)) ** 2; });
  const lo = t.overlap.min + OVERLAP_MARGIN, hi = t.overlap.max - OVERLAP_MARGIN;
  for (const o of m.overlaps) sum += (100 * Math.max(0, lo - o, o - hi)) ** 2;
  return sum;
}

export function evaluateOver(evaluate: Evaluate, p: WorkloadParams, seeds: number[], t: CalibrationTarget, step: string): Evaluation {
  const runs = seeds.map((s) => evaluate(p, s));
  const lruHitRate = t.capacities.map((_, i) => runs.reduce((a, r) => a + r.lruHitRate[i]!, 0) / runs.length);
  const overlaps = runs.flatMap((r) => r.overlap);
  return {
    step, params: p, seeds, lruHitRate,
    overlap: { min: Math.min(...overlaps), mean: overlaps.reduce((a, b) => a + b, 0) / overlaps.length, max: Math.max(...overlaps) },
    loss: loss({ lruHitRate, overlaps }, t),
  };
}

const clamp = (x: number, [lo, hi]: [number, number]) => Math.min(hi, Math.max(lo, x));
const round = (x: number) => Math.round(x * 1e4) / 1e4; // parameters as recorded: 4 decimals

export function search(evaluate: Evaluate, t: CalibrationTarget, seeds: number[], record: (e: Evaluation) => void,
  space: SearchSpace = DEFAULT_SPACE): Evaluation {
  let best = null as Evaluation | null;
  const consider = (p: WorkloadParams, step: string) => {
    const e = evaluateOver(evaluate, p, seeds, t, step);
    record(e);
    if (!best || e.loss < best.loss) best = e;
    return e;
  };
  const g = space.grid;
  for (const zipf of g.zipf) for (const reuse of g.reuse) for (const reuse_window of g.reuse_window)
    for (const topic_shift of g.topic_shift) consider({ zipf, reuse, reuse_window, topic_shift }, "grid");
  // Pattern search on the continuous parameters: try ± step on each; halve the steps when no
  // move improves. reuse_window stays at the grid's choice (an integer, coarse by nature).
  const step = { ...space.steps };
  const names = ["zipf", "reuse", "topic_shift"] as const;
  while (names.some((n) => step[n] >= space.minSteps[n])) {
    let moved = false;
    for (const n of names) {
      if (step[n] < space.minSteps[n]) continue;
      for (const dir of [1, -1]) {
        const from: Evaluation = best!;
        const p = { ...from.params, [n]: round(clamp(from.params[n] + dir * step[n], space.bounds[n])) };
        if (p[n] === from.params[n]) continue;
        if (consider(p, "refine").loss < from.loss) { moved = true; break; }
      }
    }
    if (!moved) for (const n of names) step[n] /= 2;
  }
  return best!;
}
