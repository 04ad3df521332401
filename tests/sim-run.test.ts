// sim-run.test.ts — the simulator through the binding, on the settings the harness resolves:
// its hits and misses equal a real run of the same configuration (real model files, the pread
// I/O engine), its cells are consistent and bounded by OPT, and cancel and bad specs surface.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Engine, generateModel } from "../ffi/index.ts";
import { Status, TbError } from "../ffi/status.ts";
import { simulate, type SimSpec } from "../harness/sim/sim-binding.ts";
import { plan } from "./harness-plan-helpers.ts";

const scratch = mkdtempSync(join(tmpdir(), "tb-sim-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const smoke = plan(readFileSync(resolve(import.meta.dir, "../experiments/smoke.yaml"), "utf8"));
const noPagecache: SimSpec["pagecache"] = { model: "off", bytes: 0, readahead_bytes: 0, active_fraction: 0.5 };

test("a real run of smoke.yaml's configurations and the simulator count the same hits and misses", async () => {
  const dir = join(scratch, "tiny");
  await generateModel({ dir, preset: "tiny", geometry: { layers: 2 }, bits: 4, seed: 1 } as Parameters<typeof generateModel>[0]);
  for (const [policy, entries] of [["lru", 8], ["opt", 8], ["s3fifo", 5], ["none", 0]] as const) {
    const base = smoke.runs.find((r) => r.engine["cache.policy"] === (policy === "none" ? "none" : "lru"))!;
    const settings = { ...base.engine, "cache.policy": policy, "cache.entries": entries, "io.engine": "pread" };
    const e = new Engine();
    let stats: Record<string, number>;
    try {
      stats = await e.setAll({ ...settings, "model.dir": dir }).open().run({ budgetMs: 1000 });
    } finally {
      e.close();
    }
    const sim = await simulate(settings, { cells: [{ policy, entries }], warmup: 0, threads: 1, pagecache: noPagecache });
    const c = sim.cells[0]!;
    expect({ policy, requests: c.requests, hits: c.hits, misses: c.misses, evictions: c.evictions })
      .toEqual({ policy, requests: stats.requests!, hits: stats.app_hits!, misses: stats.app_misses!, evictions: stats.app_evictions! });
    if (policy !== "none") expect(c.hits).toBeGreaterThan(0);
  }
});

test("cells are consistent, OPT bounds every policy, memory hits include the application cache's", async () => {
  const run = smoke.runs[0]!;
  const policies = ["opt", "lru", "clock", "lfu", "s3fifo", "sieve", "arc"];
  const cells = [...policies.flatMap((policy) => [2, 6, 12].map((entries) => ({ policy, entries }))), { policy: "none", entries: 0 }];
  const sim = await simulate(run.engine, {
    cells, warmup: 8, threads: 2,
    pagecache: { model: "lru", bytes: 20 * run.model.recordBytes, readahead_bytes: 4096, active_fraction: 0.5 },
  });
  expect(sim.warmup).toBe(8);
  for (const c of sim.cells) {
    expect(c.hits + c.misses).toBe(c.requests);
    expect(c.requests).toBe((run.workload.tokens - 8) * run.model.layers * run.workload.k);
    expect(c.layer_hits.reduce((a, b) => a + b, 0)).toBe(c.hits);
    expect(c.direct_reads + c.buffered_reads).toBe(c.misses);
    expect(c.page_cache_bytes + c.device_bytes).toBe(c.misses * sim.record_bytes + c.readahead_bytes);
    const opt = sim.cells.find((o) => o.policy === "opt" && o.entries === c.entries);
    if (opt) expect(opt.misses).toBeLessThanOrEqual(c.misses);
    // the page cache gets what the application cache leaves of 20 records (global: × 1 cache)
    expect(c.pagecache_capacity_bytes).toBe(Math.max(0, 20 - c.capacity) * run.model.recordBytes);
  }
  expect(sim.cells.find((c) => c.policy === "none")!.hits).toBe(0);
  expect(sim.cells.find((c) => c.policy === "none")!.page_cache_bytes).toBeGreaterThan(0);
});

test("aborting cancels the simulation, before it starts or while it runs; a bad spec names what is wrong", async () => {
  const run = smoke.runs[0]!;
  const before = new AbortController();
  before.abort();
  const cells = ["lru", "arc", "s3fifo", "opt"].map((policy) => ({ policy, entries: 4 }));
  const early = await simulate(run.engine, { cells, warmup: 0, threads: 1, pagecache: noPagecache }, { signal: before.signal })
    .catch((e) => e);
  expect(early).toBeInstanceOf(TbError);
  expect((early as TbError).status).toBe(Status.ERR_CANCELLED);
  // 200,000 tokens: each cell replays 1.6 million requests, far more than the first 1 ms step
  const during = new AbortController();
  const long = { ...run.engine, "run.tokens": 200_000 };
  const late = await simulate(long, { cells, warmup: 0, threads: 1, pagecache: noPagecache },
    { signal: during.signal, budgetMs: 1, onProgress: () => during.abort() }).catch((e) => e);
  expect(late).toBeInstanceOf(TbError);
  expect((late as TbError).status).toBe(Status.ERR_CANCELLED);

  const bad = await simulate(run.engine, { cells: [{ policy: "fifo", entries: 4 }], warmup: 0, threads: 1, pagecache: noPagecache })
    .catch((e) => e);
  expect(bad).toBeInstanceOf(TbError);
  expect((bad as Error).message).toContain('"fifo" is not compiled in');
});
