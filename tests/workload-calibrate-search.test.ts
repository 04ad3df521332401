// The calibration search on a known landscape (no engine): it finds the parameters that produce
// the target, records every evaluation, and its loss counts overlap outside the published band.

import { describe, expect, test } from "bun:test";
import { loss, search, type Evaluation, type WorkloadParams } from "../harness/workload/calibrate.ts";
import { FLASH_MOE_QWEN } from "../harness/workload/calibration-targets.ts";

const t = FLASH_MOE_QWEN;

describe("calibration loss", () => {
  test("zero on target; squared points off target; overlap penalised only outside the band", () => {
    const onTarget = { lruHitRate: t.lruHitRate, overlaps: [0.1, 0.2, 0.32] };
    expect(loss(onTarget, t)).toBeCloseTo(0, 9);
    expect(loss({ ...onTarget, lruHitRate: [0.5, 0.59, 0.68, 0.71] }, t)).toBeCloseTo(1, 9); // 1 point
    // the band is narrowed by 1 point each side: 0.36 is 3 points above 0.33
    expect(loss({ ...onTarget, overlaps: [0.2, 0.36] }, t)).toBeCloseTo(9, 9);
  });
});

describe("search", () => {
  // A smooth stand-in for the engine: hit rates move linearly with zipf and reuse, overlap with
  // reuse; the target is met exactly at zipf 1.07, reuse 0.27 (window and topic shift inert).
  const fake = (p: WorkloadParams, seed: number) => ({
    lruHitRate: t.lruHitRate.map((h, i) => h + 0.3 * (p.zipf - 1.07) + (0.2 + 0.05 * i) * (p.reuse - 0.27) + 0.0001 * (seed - 2)),
    overlap: [0.2 + 0.5 * (p.reuse - 0.27), 0.15, 0.25],
  });

  test("finds the parameters that produce the target and records every evaluation", () => {
    const seen: Evaluation[] = [];
    const best = search(fake, t, [1, 2, 3], (e) => seen.push(e));
    expect(best.params.zipf).toBeCloseTo(1.07, 2);
    expect(best.params.reuse).toBeCloseTo(0.27, 2);
    best.lruHitRate.forEach((h, i) => expect(Math.abs(h - t.lruHitRate[i]!)).toBeLessThan(0.002));
    expect(seen.filter((e) => e.step === "grid")).toHaveLength(5 * 3 * 3 * 4 * 3);
    expect(seen.some((e) => e.step === "refine")).toBe(true);
    expect(Math.min(...seen.map((e) => e.loss))).toBe(best.loss);
    expect(seen.every((e) => e.seeds.join() === "1,2,3")).toBe(true);
  });
});
