// Trace statistics: hand-worked values on the tiny fixture, stack-distance LRU against a plain
// LRU simulation on random traces, and the cross-layer measure on independent vs tied layers.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { convertJsonl } from "../harness/workload/convert-jsonl.ts";
import { segmentStarts } from "../harness/workload/trace-meta.ts";
import type { Trace } from "../harness/workload/trace-file.ts";
import { traceStats } from "../harness/workload/stats/trace-stats.ts";
import { lruHitRate, stackDistances } from "../harness/workload/stats/stack-distance.ts";
import { crossLayerPair } from "../harness/workload/stats/cross-layer.ts";

// tiny.jsonl with --gaps drop: 4 tokens (segment "1" starts at token 3), 2 layers, 4 experts, K=2
//   layer 0: {0,1} {1,2} {0,1} | {2,3}      layer 1: {3,2} {3,0} {2,3} | {0,1}
const { trace, meta } = convertJsonl(join(import.meta.dir, "fixtures", "traces", "tiny.jsonl"), { gaps: "drop" });
const stats = traceStats(trace, { capacities: [2, 3], windows: [2, 8], warmupTokens: 0, segmentStarts: segmentStarts(meta) });

describe("hand-worked statistics of tiny.jsonl", () => {
  test("LRU hit rate per layer", () => {
    // layer 0 requests 0 1 1 2 0 1 2 3: stack distances cold cold 0 cold 2 2 2 cold
    //   2 entries hit only the immediate repeat (1/8); 3 entries also the three distance-2 reuses (4/8)
    // layer 1 requests 3 2 3 0 2 3 0 1: distances cold cold 1 cold 2 2 2 cold → 1/8 and 4/8
    expect(stats.layers.map((l) => l.lruHitRate)).toEqual([[1 / 8, 4 / 8], [1 / 8, 4 / 8]]);
    expect(stats.overall.lruHitRate).toEqual([1 / 8, 4 / 8]);
  });

  test("reuse-distance histogram", () => {
    expect(stats.reuseBins).toEqual(["cold", "0", "1", "2-3"]);
    expect(stats.layers[0]!.reuseHistogram).toEqual([4, 1, 0, 3]);
    expect(stats.layers[1]!.reuseHistogram).toEqual([4, 0, 1, 3]);
  });

  test("consecutive overlap skips the segment boundary", () => {
    // layer 0: {1,2}∩{0,1} = 1, {0,1}∩{1,2} = 1 → 2 of 2 pairs × K=2; token 3 starts a new segment
    expect(stats.layers.map((l) => l.overlap)).toEqual([0.5, 0.5]);
    const across = traceStats(trace, { capacities: [2], windows: [], warmupTokens: 0, segmentStarts: new Set() });
    expect(across.layers[0]!.overlap).toBeCloseTo(2 / 6, 12); // {2,3}∩{0,1} = 0 added
  });

  test("popularity skew, distinct experts per window", () => {
    // top 10 % of 4 experts = 1 expert: expert 1 (layer 0) and 3 (layer 1) take 3 of 8 requests
    expect(stats.layers.map((l) => l.top10Share)).toEqual([3 / 8, 3 / 8]);
    // windows of 2 tokens: {0,1,2} and {0,1,2,3}; the 8-token window does not fit in 4 tokens
    expect(stats.layers[0]!.distinct).toEqual([3.5, null]);
    expect(stats.layers[0]!.distinctAll).toBe(4);
  });

  test("cross-layer guess from co-routings vs from popularity (no prior: raw conditional estimates)", () => {
    // score(e) = Σ over layer-0 experts i of co-routings(i, e) / appearances(i)
    // t1: guess {2,3} (co-routed with 1 and 0 at t0), popularity {2,3}; actual {3,0}: 1 and 1
    // t2: guess {3,2}, popularity {3,0}; actual {2,3}: 2 and 1
    // t3: guess {3,0}, popularity {3,2}; actual {0,1}: 1 and 0  → 4/6 vs 2/6
    const p = crossLayerPair(trace, 0, 0);
    expect(p.precision).toBeCloseTo(4 / 6, 12);
    expect(p.baseline).toBeCloseTo(2 / 6, 12);
    expect(p.lift).toBeCloseTo(2 / 6, 12);
  });
});

/** Deterministic PRNG for test traces (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random trace; skew > 1 favours low ids. layerOf(l, e) ties layer l to layer 0 when given. */
function randomTrace(seed: number, tokens: number, layers: number, experts: number, k: number, skew: number,
  layerOf?: (l: number, e: number) => number): Trace {
  const next = rng(seed);
  const ids = new Int32Array(tokens * layers * k);
  for (let t = 0; t < tokens; t++)
    for (let l = 0; l < layers; l++)
      for (let j = 0; j < k; j++) {
        const base = (t * layers + l) * k;
        let e: number;
        do {
          e = layerOf && l > 0 ? layerOf(l, ids[t * layers * k + j]!) : Math.floor(experts * next() ** skew);
        } while (ids.subarray(base, base + j).includes(e));
        ids[base + j] = e;
      }
  return { layers, experts, k, tokens, ids, weights: null };
}

/** Plain LRU: an array ordered from least to most recent. */
function simulateLru(requests: Int32Array, capacity: number): number {
  const order: number[] = [];
  let hits = 0;
  for (const e of requests) {
    const i = order.indexOf(e);
    if (i >= 0) { hits++; order.splice(i, 1); } else if (order.length === capacity) order.shift();
    order.push(e);
  }
  return hits / requests.length;
}

describe("LRU from stack distances", () => {
  test("equals a plain LRU simulation at every capacity", () => {
    for (const [seed, skew] of [[1, 1], [2, 2.5], [3, 4]] as const) {
      const req = randomTrace(seed, 300, 1, 64, 4, skew).ids;
      const d = stackDistances(req, 64);
      for (const c of [4, 5, 8, 16, 33, 64])
        expect(lruHitRate(d, c)).toBe(simulateLru(req, c));
    }
  });

  test("warm-up tokens fill the cache but are not counted", () => {
    const req = Int32Array.of(0, 1, 0, 1, 2, 2);
    const d = stackDistances(req, 3);
    expect(lruHitRate(d, 2, 0)).toBe(3 / 6);
    expect(lruHitRate(d, 2, 2)).toBe(3 / 4); // requests 0 1 2 2 after two warm-up requests
  });
});

describe("cross-layer measure", () => {
  test("near zero for independent layers, large when layer 1 is a function of layer 0", () => {
    // the default prior keeps sparse estimates from losing to the marginal on independent layers
    const perm = Array.from({ length: 32 }, (_, e) => (e * 7 + 3) % 32);
    const indep = randomTrace(9, 400, 2, 32, 2, 2);
    const tied = randomTrace(9, 400, 2, 32, 2, 2, (_, e) => perm[e]!);
    const a = crossLayerPair(indep, 0), b = crossLayerPair(tied, 0);
    expect(Math.abs(a.lift)).toBeLessThan(0.02);
    expect(b.precision).toBeGreaterThan(0.75); // rare experts stay near the marginal until seen often
    expect(b.lift).toBeGreaterThan(0.5);
  });
});
