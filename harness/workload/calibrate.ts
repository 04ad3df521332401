// The calibration search: synthetic-routing parameters whose per-layer LRU hit rates and
// consecutive overlap match a published target. A coarse grid, then Nelder–Mead from its best
// points; every evaluation is reported to `record`, so the search is on file and can be replayed.

import type { CalibrationTarget } from "./calibration-targets.ts";
import type { Trace } from "./trace-file.ts";
import { layerRequests } from "./stats/layer-sets.ts";
import { lruHitRate, stackDistances } from "./stats/stack-distance.ts";
import { consecutiveOverlap } from "./stats/overlap.ts";
import { nelderMead } from "./nelder-mead.ts";

/** The searched parameters (routing.* keys without the prefix). */
export interface WorkloadParams {
  zipf: number;
  reuse: number;
  reuse_window: number; // integer: grid only
  topic_every: number; // integer: grid only
  topic_shift: number;
}

/** Held fixed during the search (workload-presets.json says why, per preset). */
export interface FixedParams {
  zipf_spread: number;
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
  grid: { zipf: number[]; reuse: number[]; reuse_window: number[]; topic_every: number[]; topic_shift: number[] };
  bounds: { zipf: [number, number]; reuse: [number, number]; topic_shift: [number, number] };
  steps: { zipf: number; reuse: number; topic_shift: number }; // initial simplex edges
  minSteps: { zipf: number; reuse: number; topic_shift: number }; // simplex size at which to stop
  maxRefine: number; // evaluations allowed per refinement start
  starts: number; // refinement starts: the best grid points of this many integer settings
}

export const DEFAULT_SPACE: SearchSpace = {
  grid: { zipf: [0.9, 1.0, 1.1, 1.2, 1.3], reuse: [0.1, 0.2, 0.3], reuse_window: [2, 4, 8], topic_every: [5, 10, 25, 50],
    topic_shift: [0.1, 0.25, 0.5] },
  bounds: { zipf: [0.3, 2.5], reuse: [0, 0.9], topic_shift: [0, 1] },
  steps: { zipf: 0.05, reuse: 0.05, topic_shift: 0.125 },
  minSteps: { zipf: 0.002, reuse: 0.002, topic_shift: 0.01 },
  maxRefine: 100,
  starts: 3,
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
  const grid: Evaluation[] = [];
  for (const zipf of g.zipf) for (const reuse of g.reuse) for (const reuse_window of g.reuse_window)
    for (const topic_every of g.topic_every) for (const topic_shift of g.topic_shift)
      grid.push(consider({ zipf, reuse, reuse_window, topic_every, topic_shift }, "grid"));
  // Then Nelder–Mead on the continuous parameters, started from the best grid point of each of
  // the `starts` best integer settings (reuse_window, topic_every), which stay fixed in a start:
  // the integers shape the curve (how fast the hot set drifts), the grid only brackets the rest.
  const names = ["zipf", "reuse", "topic_shift"] as const;
  const gridBest = new Map<string, Evaluation>();
  for (const e of grid.sort((a, b) => a.loss - b.loss)) {
    const key = `${e.params.reuse_window}/${e.params.topic_every}`;
    if (!gridBest.has(key)) gridBest.set(key, e);
  }
  for (const start of [...gridBest.values()].slice(0, space.starts)) {
    const from = start.params;
    nelderMead((x) => consider({ ...from, zipf: round(x[0]!), reuse: round(x[1]!), topic_shift: round(x[2]!) }, "refine").loss, {
      start: names.map((n) => from[n]),
      steps: names.map((n) => space.steps[n]),
      lower: names.map((n) => space.bounds[n][0]),
      upper: names.map((n) => space.bounds[n][1]),
      tolerance: names.map((n) => space.minSteps[n]),
      maxEvaluations: space.maxRefine,
    });
  }
  return best!;
}
