// prefetch-sim.test.ts — a timed run with prefetch.mode=deterministic and the simulator agree
// exactly on hits, misses, useful and wasted prefetches (and every other prefetch count), for
// each cache policy the engine has, both predictors, depths and scopes, pins included; a
// policy alias simulates as its policy plus its predictor.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe as engineDescription, Engine, ensureModel, type KeyValue, type ModelRef } from "../ffi/index.ts";
import { simulate } from "../harness/sim/sim-binding.ts";

const root = mkdtempSync(join(tmpdir(), "tb-prefetch-sim-"));
let model: ModelRef;

beforeAll(async () => {
  model = await ensureModel({ preset: "tiny", seed: 5 }, { root, threads: 1 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const COUNTS = [
  ["hits", "app_hits"], ["misses", "app_misses"], ["evictions", "app_evictions"],
  ["prefetch_predictions", "prefetch_predictions"], ["prefetch_resident", "prefetch_resident"],
  ["prefetch_dropped", "prefetch_dropped"], ["prefetch_issued", "prefetch_issued"],
  ["prefetch_useful", "prefetch_useful"], ["prefetch_wasted", "prefetch_wasted"],
  ["prefetch_reads", "prefetch_reads"], ["pinned", "pinned_entries"],
] as const;

async function both(policy: string, entries: number, settings: Record<string, KeyValue>) {
  const keys: Record<string, KeyValue> = {
    "model.preset": "tiny", "run.tokens": 24, "routing.reuse": 0.4, "routing.seed": 9,
    "prefetch.mode": "deterministic", ...settings,
  };
  using e = new Engine().setAll({ ...keys, "model.dir": model.dir, "cache.policy": policy, "cache.entries": entries }).open();
  const run = await e.run();
  const sim = await simulate(keys, {
    cells: [{ policy, entries }], warmup: 0, threads: 1,
    pagecache: { model: "off", bytes: 0, readahead_bytes: 0, active_fraction: 0.5 },
  });
  const cell = sim.cells[0]!;
  const engine: Record<string, number | undefined> = Object.fromEntries(COUNTS.map(([c, s]) => [c, run[s]]));
  const simulator: Record<string, number | undefined> = Object.fromEntries(COUNTS.map(([c]) => [c, cell[c]]));
  return { engine, simulator, late: run.app_late };
}

const policies = engineDescription().policies.map((p) => p.name).filter((p) => p !== "none");
// every predictor that predicts from the routing alone (replay needs a predictions file)
const predictors = engineDescription().prefetchers.filter((p) => p.name !== "none" && !p.needs_trace).map((p) => p.name);

describe("engine and simulator agree in deterministic mode", () => {
  test.each(policies)("%s, every predictor, depth and scope", async (policy) => {
    let prefetched = 0;
    for (const predictor of predictors)
      for (const scope of ["global", "per-layer"])
        for (const depth of [1, 3]) {
          const r = await both(policy, scope === "global" ? 7 : 5, {
            "prefetch.predictor": predictor, "prefetch.depth": depth, "cache.scope": scope,
          });
          expect({ predictor, scope, depth, ...r.engine }).toEqual({ predictor, scope, depth, ...r.simulator });
          expect(r.late).toBe(0);
          prefetched += r.engine.prefetch_issued!;
        }
    expect(predictors).toEqual(expect.arrayContaining(["temporal", "oracle"]));
    expect(prefetched).toBeGreaterThan(0);
  });

  test("pins of a warm-up window, with prefetch", async () => {
    const r = await both("lru", 8, { "prefetch.predictor": "oracle", "pin.top_n": 3, "pin.window": 4 });
    expect(r.engine).toEqual(r.simulator);
    expect(r.engine.pinned).toBe(3);
  });

  test("the prefetch alias simulates as LRU with the temporal predictor", async () => {
    const r = await both("prefetch", 5, {});
    expect(r.engine).toEqual(r.simulator);
    expect(r.engine.prefetch_issued).toBeGreaterThan(0);
  });
});
