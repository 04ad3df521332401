// The steady-state rule on synthetic per-token series: flat, drifting, noisy, step change,
// too short, and the minimum-token rule (cache fill).

import { describe, expect, test } from "bun:test";
import { findPlateau, tokensToFill } from "../harness/results/plateau.ts";

/** Deterministic uniform noise in [-1, 1) (LCG), so the noisy cases never flake. */
function noise(seed: number) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1;
}

const series = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe("findPlateau", () => {
  test("a flat series is steady from the first allowed token", () => {
    const r = findPlateau(series(200, () => 0.01), { window: 16, tolerance: 0.05, minTokens: 0 });
    expect(r).toMatchObject({ plateaued: true, startToken: 0 });
    const late = findPlateau(series(200, () => 0.01), { window: 16, tolerance: 0.05, minTokens: 37 });
    expect(late).toMatchObject({ plateaued: true, startToken: 37 });
  });

  test("a drift faster than the tolerance per window never plateaus", () => {
    // 1 → 10 ms over 300 tokens: consecutive 16-token windows differ by 0.48 ms, at least 4.8 %
    // of any window's mean (≤ 10 ms), so with a 4 % tolerance no pair agrees.
    const drift = series(300, (i) => 1 + (9 * i) / 300);
    expect(findPlateau(drift, { window: 16, tolerance: 0.04 })).toMatchObject({ plateaued: false, reason: "unstable" });
  });

  test("a drift that settles plateaus where it settles", () => {
    const settle = series(400, (i) => (i < 150 ? 20 - (10 * i) / 150 : 10));
    const r = findPlateau(settle, { window: 16, tolerance: 0.02 });
    expect(r.plateaued).toBe(true);
    if (r.plateaued) expect(r.startToken).toBeGreaterThanOrEqual(135);
    if (r.plateaued) expect(r.startToken).toBeLessThanOrEqual(150);
  });

  test("noise around a constant level plateaus early", () => {
    const rnd = noise(7);
    const noisy = series(600, () => 10 * (1 + 0.3 * rnd())); // ±30 % per token
    const r = findPlateau(noisy, { window: 32, tolerance: 0.05 });
    expect(r.plateaued).toBe(true);
    if (r.plateaued) expect(r.startToken).toBeLessThan(100);
  });

  test("a step change: steady state begins at the step, not before it", () => {
    const rnd = noise(11);
    const step = series(500, (i) => (i < 200 ? 20 : 10) * (1 + 0.05 * rnd()));
    const r = findPlateau(step, { window: 16, tolerance: 0.05 });
    expect(r.plateaued).toBe(true);
    if (r.plateaued) {
      expect(r.startToken).toBeGreaterThanOrEqual(195);
      expect(r.startToken).toBeLessThanOrEqual(205);
    }
  });

  test("a late regime change moves steady state past it", () => {
    const late = series(400, (i) => (i < 300 ? 10 : 14));
    const r = findPlateau(late, { window: 16, tolerance: 0.05 });
    // A window may start a few tokens early while its mix of both levels stays within tolerance.
    expect(r.plateaued).toBe(true);
    if (r.plateaued) expect(r.startToken).toBeWithin(296, 301);
  });

  test("fewer than two windows after the minimum is too short", () => {
    expect(findPlateau(series(40, () => 1), { window: 16, minTokens: 10 })).toMatchObject({ plateaued: false, reason: "too-short" });
    expect(findPlateau(series(42, () => 1), { window: 16, minTokens: 10 })).toMatchObject({ plateaued: true, startToken: 10 });
  });

  test("defaults are stated in the result", () => {
    const r = findPlateau(series(100, () => 1));
    expect(r.settings).toEqual({ window: 16, tolerance: 0.1, minTokens: 0 });
  });
});

test("tokensToFill: capacity over new records per token, rounded up", () => {
  expect(tokensToFill(2500, 4 * 60)).toBe(11);
  expect(tokensToFill(240, 240)).toBe(1);
  expect(tokensToFill(0, 240)).toBe(0);
  expect(tokensToFill(100, 0)).toBe(0);
});
