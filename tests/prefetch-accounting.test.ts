// prefetch-accounting.test.ts — prefetch and pins through the binding, on the tiny preset
// (2 layers x 16 experts, K 4) and hand-made routings: the oracle on a routing with no reuse
// (no hits without it, every request after the first layer a hit with it, nothing wasted), a
// predictor that is always wrong (nothing useful, every prefetched byte wasted), and pins that
// are never evicted, count inside the budget and leave the output hash as it was.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine, ensureModel, type KeyValue, type ModelRef } from "../ffi/index.ts";
import { writeTrace } from "../harness/workload/trace-file.ts";

const LAYERS = 2, EXPERTS = 16, K = 4;
const root = mkdtempSync(join(tmpdir(), "tb-prefetch-"));
let model: ModelRef;

beforeAll(async () => {
  model = await ensureModel({ preset: "tiny", seed: 3 }, { root, threads: 1 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A trace whose expert in slot j of (token, layer) is rule(token, layer, j). */
function trace(name: string, tokens: number, rule: (t: number, l: number, j: number) => number): string {
  const ids = new Int32Array(tokens * LAYERS * K);
  for (let t = 0; t < tokens; t++)
    for (let l = 0; l < LAYERS; l++)
      for (let j = 0; j < K; j++) ids[(t * LAYERS + l) * K + j] = rule(t, l, j);
  const file = join(root, name);
  writeTrace(file, { layers: LAYERS, experts: EXPERTS, k: K, tokens, ids, weights: null });
  return file;
}

async function run(tokens: number, routing: string, settings: Record<string, KeyValue>) {
  using e = new Engine().setAll({
    "model.dir": model.dir, "run.tokens": tokens, "routing.source": "trace", "routing.trace": routing, ...settings,
  }).open();
  const s = await e.run();
  return { s, hash: e.outputHash() };
}

describe("prefetch accounting", () => {
  // 4 tokens x 2 layers: expert 4t + j, so no expert of a layer is ever requested twice
  const noReuse = () => trace("no-reuse.trace", 4, (t, _l, j) => 4 * t + j);
  const lru = { "cache.policy": "lru", "cache.entries": 8 };

  test("the oracle on a routing with no reuse: 0 hits without it, every request after the first layer with it", async () => {
    const routing = noReuse();
    const off = await run(4, routing, lru);
    expect(off.s.requests).toBe(32);
    expect(off.s.app_hits).toBe(0);
    const on = await run(4, routing, { ...lru, "prefetch.predictor": "oracle", "prefetch.mode": "deterministic" });
    expect({
      hits: on.s.app_hits, misses: on.s.app_misses, late: on.s.app_late, issued: on.s.prefetch_issued,
      useful: on.s.prefetch_useful, wasted: on.s.prefetch_wasted, wastedBytes: on.s.prefetch_wasted_bytes,
    }).toEqual({ hits: 28, misses: 4, late: 0, issued: 28, useful: 28, wasted: 0, wastedBytes: 0 });
    expect(on.hash).toBe(off.hash);
  });

  test("asynchronous prefetch: a late prefetch is neither hit nor miss, and nothing is wasted", async () => {
    const on = await run(4, noReuse(), { ...lru, "prefetch.predictor": "oracle", "prefetch.mode": "async" });
    expect(on.s.app_hits + on.s.app_late).toBe(28);
    expect(on.s.app_hits + on.s.app_misses + on.s.app_late).toBe(on.s.requests);
    expect(on.s.prefetch_useful + on.s.prefetch_late).toBe(28);
    expect(on.s.prefetch_wasted_bytes).toBe(0);
  });

  test("a predictor that is always wrong: useful 0, wasted = everything prefetched", async () => {
    const routing = trace("low.trace", 8, (t, l, j) => (t * 3 + l + 2 * j) % 8);     // experts 0..7 only
    const wrong = trace("wrong.trace", 8, (t, l, j) => 8 + ((t + l + 2 * j) % 8)); // 8..15, never routed
    const off = await run(8, routing, { "cache.policy": "lru", "cache.entries": 10 });
    const on = await run(8, routing, {
      "cache.policy": "lru", "cache.entries": 10, "prefetch.predictor": "replay", "prefetch.trace": wrong,
      "prefetch.mode": "deterministic",
    });
    expect(on.s.prefetch_predictions).toBe(15 * K);
    expect(on.s.prefetch_issued).toBeGreaterThan(0);
    expect(on.s.prefetch_useful).toBe(0);
    expect(on.s.prefetch_wasted).toBe(on.s.prefetch_issued);
    expect(on.s.prefetch_wasted_bytes).toBe(on.s.prefetch_read_bytes);
    expect(on.s.prefetch_read_bytes).toBe(on.s.prefetch_issued * on.s.expert_record_bytes);
    expect(on.hash).toBe(off.hash);
  });

  test("cache.policy prefetch is LRU with the temporal predictor", async () => {
    // deterministic: asynchronous reads still in flight cannot be evicted, so timing would
    // change the victims
    const routing = trace("reuse.trace", 6, (t, l, j) => (j + (t % 2) * 4 + l) % 16);
    const det = { "cache.entries": 6, "prefetch.mode": "deterministic" };
    const alias = await run(6, routing, { "cache.policy": "prefetch", ...det });
    const spelled = await run(6, routing, { "cache.policy": "lru", "prefetch.predictor": "temporal", ...det });
    for (const k of ["app_hits", "app_misses", "app_late", "prefetch_predictions", "prefetch_issued", "prefetch_dropped"])
      expect([k, alias.s[k]]).toEqual([k, spelled.s[k]]);
    expect(alias.s.prefetch_predictions).toBeGreaterThan(0);
  });
});

describe("pins", () => {
  // Slot 0 is expert 0 on every token; slots 1..3 cycle through experts 1..15, so with 4 slots
  // the other layer's batch evicts everything between two requests of expert 0, unless pinned.
  const hot = () => trace("hot.trace", 12, (t, _l, j) => (j === 0 ? 0 : 1 + ((3 * t + j - 1) % 15)));
  const cache = { "cache.policy": "lru", "cache.entries": 4 };

  test("without pins the hot expert is evicted between its requests", async () => {
    const off = await run(12, hot(), cache);
    expect(off.s.app_hits).toBe(0);
    expect(off.s.pinned_entries).toBe(0);
  });

  test("pins of a warm-up window are never evicted, count inside the budget, keep the hash", async () => {
    const routing = hot();
    const off = await run(12, routing, cache);
    const on = await run(12, routing, { ...cache, "pin.top_n": 2, "pin.window": 3 });
    // expert 0 of both layers, the most requested of the window, hits on every later request
    expect(on.s.app_hits).toBe(2 * (12 - 3));
    expect(on.s.app_evictions).toBeGreaterThan(0);
    expect(on.s.pinned_entries).toBe(2);
    expect(on.s.pinned_bytes).toBe(2 * on.s.expert_record_bytes);
    expect(on.s.cache_capacity_entries).toBe(4);
    expect(on.s.cache_peak_entries).toBeLessThanOrEqual(4);
    expect(on.hash).toBe(off.hash);
  });

  test("pins of a profile file are in place from the first token", async () => {
    const profile = join(root, "profile.txt");
    const row = Array.from({ length: EXPERTS }, (_, e) => (e === 0 ? 100 : 1)).join(" ");
    writeFileSync(profile, `# expert 0 is hot in both layers\n${row}\n${row}\n`);
    const routing = hot();
    const off = await run(12, routing, cache);
    const on = await run(12, routing, { ...cache, "pin.top_n": 2, "pin.file": profile });
    expect(on.s.app_hits).toBe(2 * 12);
    expect(on.s.pin_reads).toBe(2);
    expect(on.hash).toBe(off.hash);
  });
});
