// DESIGN §6's verdict on a measured change against a published one, by fixed rules applied in
// order to the 95 % interval: inconclusive (too wide), not reproduced (contains zero), opposite,
// reproduced (overlaps the published value or range widened by ± 10 points), same direction.

import type { Published } from "../experiment/published.ts";
import { MIN_REPEATS_TO_COMPARE } from "../experiment/compare-checks.ts";

export type Verdict = "inconclusive" | "not reproduced" | "opposite" | "reproduced" | "same direction";

export const MAX_HALF_WIDTH = 0.1;   // 10 points: a wider interval cannot decide anything
export const WIDENING = 0.1;         // the published value or range, ± 10 points

export interface VerdictResult {
  verdict: Verdict;
  rule: string;          // the sentence that decided it, with the numbers
}

const pts = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(1)} %`;

/** The published claim's direction: the sign of its value, else of its range's middle. */
function direction(p: Published): -1 | 0 | 1 {
  if (p.kind === "sign") return p.sign;
  const v = p.value ?? (p.low + p.high) / 2;
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

export function judge(ci: { low: number; high: number } | null, pairs: number, published: Published): VerdictResult {
  if (!ci || pairs < MIN_REPEATS_TO_COMPARE)
    return { verdict: "inconclusive", rule: `${pairs} paired repeats; a verdict needs ≥ ${MIN_REPEATS_TO_COMPARE}` };
  const half = (ci.high - ci.low) / 2;
  const range = `[${pts(ci.low)}, ${pts(ci.high)}]`;
  if (half > MAX_HALF_WIDTH)
    return { verdict: "inconclusive", rule: `the interval ${range} is ±${(half * 100).toFixed(1)} points wide, more than ±${MAX_HALF_WIDTH * 100}` };
  if (ci.low <= 0 && ci.high >= 0) return { verdict: "not reproduced", rule: `the interval ${range} contains zero` };
  const dir = direction(published);
  if ((dir > 0 && ci.high < 0) || (dir < 0 && ci.low > 0))
    return { verdict: "opposite", rule: `the interval ${range} lies wholly on the other side of zero from the published ${published.text}` };
  if (published.kind === "sign")
    return { verdict: "reproduced", rule: `the interval ${range} lies on the published side of zero (${published.text})` };
  const lo = published.low - WIDENING;
  const hi = published.high + WIDENING;
  if (ci.high >= lo && ci.low <= hi)
    return { verdict: "reproduced", rule: `the interval ${range} overlaps the published ${published.text} widened to [${pts(lo)}, ${pts(hi)}]` };
  return { verdict: "same direction", rule: `the interval ${range} has the published sign but misses ${published.text} widened to [${pts(lo)}, ${pts(hi)}]` };
}
