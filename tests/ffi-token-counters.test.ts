// Per-token counters through the binding: each token's requests and application-cache hits add up
// to the run's totals, and the cache's occupied slots rise while it fills and never exceed it —
// the data behind the report's hit rate and residency over tokens.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine, ensureModel, type ModelRef } from "../ffi/index.ts";

const root = mkdtempSync(join(tmpdir(), "tb-token-counters-"));
let model: ModelRef;
beforeAll(async () => {
  model = await ensureModel({ preset: "tiny", seed: 7 }, { root, threads: 1 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(settings: Record<string, string | number>) {
  const e = new Engine().setAll({ "model.dir": model.dir, "run.tokens": 48, "io.engine": "pread", ...settings });
  try {
    e.open();
    while (e.step(100) === "more");
    return { counters: e.tokenCounters(), stats: e.stats(), times: e.tokenTimes() };
  } finally {
    e.close();
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test("per-token requests and hits sum to the run's totals; residency fills up to the capacity", () => {
  const { counters, stats, times } = run({ "cache.policy": "lru", "cache.entries": 8 });
  expect(Object.keys(counters)).toEqual(["requests", "app_hits", "resident_entries"]);
  for (const xs of Object.values(counters)) expect(xs).toHaveLength(times.length);
  expect(sum(counters.requests!)).toBe(stats.requests!);
  expect(sum(counters.app_hits!)).toBe(stats.app_hits!);
  // every token routes K experts in each layer
  expect(new Set(counters.requests)).toEqual(new Set([stats.requests! / times.length]));
  const resident = counters.resident_entries!;
  expect(resident[0]).toBeGreaterThan(0);
  expect(Math.max(...resident)).toBe(stats.cache_capacity_entries!);
  for (let t = 1; t < resident.length; t++) expect(resident[t]).toBeGreaterThanOrEqual(resident[t - 1]!); // LRU only evicts when full
  expect(counters.app_hits![0]).toBeLessThanOrEqual(counters.requests![0]!);
}, 30_000);

test("without an application cache nothing is resident and nothing hits", () => {
  const { counters } = run({ "cache.policy": "none" });
  expect(new Set(counters.resident_entries)).toEqual(new Set([0]));
  expect(sum(counters.app_hits!)).toBe(0);
  expect(sum(counters.requests!)).toBeGreaterThan(0);
}, 30_000);
