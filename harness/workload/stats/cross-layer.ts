// Cross-layer correlation as a predictor would exploit it: for each token, guess layer l+1's K
// experts from layer l's (highest Σ P(e | expert at l), estimated from earlier tokens, shrunk
// towards P(e)) and compare with guessing layer l+1's most frequent experts so far. lift = precision gained, in
// [−1, 1]; near zero means layer l tells nothing about layer l+1 (Flash-MoE's finding).

import type { Trace } from "../trace-file.ts";
import { setStart } from "./layer-sets.ts";

export interface CrossLayerPair {
  from: number; // layer l
  precision: number; // share of layer l+1's experts guessed from layer l's
  baseline: number; // share guessed from layer l+1's own popularity so far
  lift: number; // precision − baseline
}

/** The k candidates with the highest score, ties by higher tie-break then lower id. */
function topK(k: number, score: (e: number) => number, tie: Int32Array, out: Int32Array): void {
  out.fill(-1);
  for (let e = 0; e < tie.length; e++) {
    const s = score(e);
    for (let j = 0; j < k; j++) {
      const o = out[j]!;
      if (o < 0 || s > score(o) || (s === score(o) && tie[e]! > tie[o]!)) {
        out.copyWithin(j + 1, j, k - 1);
        out[j] = e;
        break;
      }
    }
  }
}

/** Pseudo-observations of the marginal behind every conditional estimate: P(e | i) starts at
 *  P(e) and follows i's own co-routings once i has been seen about this often. Without it, the
 *  sparse estimates of a 512-expert layer lose to the marginal by a few points on independent
 *  layers; with it, independent layers measure ≈ 0 and a deterministic map still ≈ 1. */
export const CROSS_LAYER_PRIOR = 10;

export function crossLayerPair(t: Trace, l: number, prior = CROSS_LAYER_PRIOR): CrossLayerPair {
  const E = t.experts, k = t.k;
  const co = new Int32Array(E * E); // [expert at l][expert at l+1]: same-token co-routings so far
  const freq = new Int32Array(E); // requests of each expert at l+1 so far
  const seen = new Int32Array(E); // requests of each expert at l so far
  const score = new Float64Array(E);
  const guess = new Int32Array(k), base = new Int32Array(k);
  let hit = 0, hitBase = 0, asked = 0;
  for (let tok = 0; tok < t.tokens; tok++) {
    const a = setStart(t, tok, l), b = setStart(t, tok, l + 1);
    const next = t.ids.subarray(b, b + k);
    if (tok > 0) {
      score.fill(0);
      for (let i = 0; i < k; i++) {
        const from = t.ids[a + i]!, row = from * E, n = seen[from]!;
        if (n + prior > 0) for (let e = 0; e < E; e++) score[e]! += (co[row + e]! + (prior * freq[e]!) / tok) / (n + prior);
      }
      topK(k, (e) => score[e]!, freq, guess);
      topK(k, (e) => freq[e]!, freq, base);
      for (const e of next) { if (guess.includes(e)) hit++; if (base.includes(e)) hitBase++; }
      asked += k;
    }
    for (let i = 0; i < k; i++) for (const e of next) co[t.ids[a + i]! * E + e]!++;
    for (const e of next) freq[e]!++;
    for (let i = 0; i < k; i++) seen[t.ids[a + i]!]!++;
  }
  const precision = asked ? hit / asked : 0, baseline = asked ? hitBase / asked : 0;
  return { from: l, precision, baseline, lift: precision - baseline };
}
