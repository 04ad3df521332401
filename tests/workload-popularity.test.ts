// Measured activation profiles → popularity files: coverage counts become request rates, profiles
// are fitted to a model geometry only when asked, and the engine reads the file back. The real
// profile test reads ../shared/traces/mlx-moe-expert-profiles in place (fails if it is missing).

import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { coverageToRate, fitPopularity, popularityText, readProfile } from "../harness/workload/profile-popularity.ts";
import { sharedTrace } from "../harness/workload/shared-traces.ts";
import { engineRouting } from "../harness/workload/synthetic-routing.ts";
import { topShare } from "../harness/workload/stats/popularity-skew.ts";

const dir = mkdtempSync(join(tmpdir(), "tb-profile-"));

// 2 layers, 4 experts, 10 prompts; expert 3 of layer 0 never seen, expert 0 always
const PROFILE = { num_prompts: 10, num_experts: 4, layers: {
  "0": { activation_counts: { "0": 10, "1": 5, "2": 1 } },
  "1": { activation_counts: { "0": 2, "1": 2, "2": 2, "3": 2 } },
} };
const file = join(dir, "profile.json");
writeFileSync(file, JSON.stringify(PROFILE));

describe("coverage counts → rates", () => {
  test("λ = −ln(1 − c/N), with 0 and N moved half a prompt inwards", () => {
    expect(coverageToRate(5, 10)).toBeCloseTo(Math.log(2), 12);
    expect(coverageToRate(10, 10)).toBeCloseTo(-Math.log(0.05), 12);
    expect(coverageToRate(0, 10)).toBeCloseTo(-Math.log(0.95), 12);
  });

  test("a profile becomes per-layer weights, unseen experts included", () => {
    const p = readProfile(file);
    expect([p.layers, p.experts]).toEqual([2, 4]);
    expect(p.weights[0]![3]).toBeCloseTo(coverageToRate(0, 10), 12);
    expect(p.weights[0]![0]).toBeGreaterThan(p.weights[0]![1]!);
    expect(new Set(p.weights[1])).toEqual(new Set([coverageToRate(2, 10)]));
  });
});

describe("fitting to a model", () => {
  const p = readProfile(file);
  test("another geometry is an error unless a mapping is asked for", () => {
    expect(() => fitPopularity(p, 3, 4, "exact", false, "f")).toThrow(
      "f: the profile has 2 layers, the model 3; choose --layer-map first, cycle or stretch");
    expect(() => fitPopularity(p, 2, 8, "exact", false, "f")).toThrow(
      "f: the profile has 4 experts per layer, the model 8; pass --resample-experts");
  });
  test("stretch maps by depth; resampling keeps the curve's shape, hottest first", () => {
    const f = fitPopularity(p, 4, 8, "stretch", true, "f");
    expect(f.weights.map((w) => w[0])).toEqual([p.weights[0]![0], p.weights[0]![0], p.weights[1]![0], p.weights[1]![0]]);
    expect(Array.from(f.weights[0]!)).toEqual([0, 0, 1, 1, 2, 2, 3, 3].map((r) => [...p.weights[0]!].sort((a, b) => b - a)[r]!));
  });
});

describe("the engine reads a popularity file", () => {
  test("routing.popularity replaces Zipf: a hotter profile expert is routed more", () => {
    const pop = join(dir, "pop.txt");
    writeFileSync(pop, popularityText(fitPopularity(p2(), 2, 16, "exact", false, "x"), "test"));
    const t = engineRouting({ "model.preset": "tiny", "routing.popularity": pop, "routing.reuse": 0, "routing.seed": 3 }, 400);
    const count = (l: number, e: number) => t.ids.filter((id, i) => id === e && Math.floor(i / t.k) % t.layers === l).length;
    expect(count(0, 0)).toBeGreaterThan(3 * count(0, 15));
    expect(count(1, 15)).toBeGreaterThan(3 * count(1, 0));
  });
});

/** 16 experts, 2 layers: layer 0 favours expert 0, layer 1 expert 15. */
function p2() {
  const w = (hot: number) => Float64Array.from({ length: 16 }, (_, e) => (e === hot ? 8 : 1));
  return { layers: 2, experts: 16, weights: [w(0), w(15)] };
}

describe("a real profile (shared traces)", () => {
  test("Qwen3-Coder-Next (512 experts) stretched to the 60-layer preset drives a skewed workload", () => {
    const profile = readProfile(sharedTrace("mlx-moe-expert-profiles", "qwen3-coder-next-4bit.json"));
    expect([profile.layers, profile.experts]).toEqual([48, 512]);
    const pop = join(dir, "qwen.txt");
    writeFileSync(pop, popularityText(fitPopularity(profile, 60, 512, "stretch", false, "qwen"), "qwen"));
    const t = engineRouting({ "model.preset": "qwen3.5-397b-a17b", "routing.popularity": pop, "routing.reuse": 0, "routing.seed": 1 }, 200);
    // uniform routing would give the top 10 % of experts about 10 % of requests
    for (let l = 0; l < t.layers; l++) expect(topShare(t, l)).toBeGreaterThan(0.2);
  });
});
