// Budgets through the sweep, on the tiny model and the real runner child: each run's record
// holds its mechanism, composed and enforced limit, peak, limit hits, OOM kills, page-cache
// state, counters and noise; the overhead is measured once per run shape; runs.csv carries the
// columns; no cgroup is left. Without a memory cgroup: strict refuses, best-effort is flagged.

import { afterAll, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { ensureModel } from "../ffi/index.ts";
import { openBudgets, type BudgetRequest } from "../harness/budget/budgets.ts";
import { selfOwner } from "../harness/budget/owner.ts";
import { machineContext } from "../harness/results/machine-context.ts";
import { readRecords } from "../harness/results/runs-file.ts";
import type { PlannedRun } from "../harness/run/planned-run.ts";
import { runSweep } from "../harness/run/sweep.ts";
import type { SweepProgress } from "../harness/run/sweep-progress.ts";
import { diskTmpDir } from "./fixtures/disk-tmp.ts";

const dir = diskTmpDir("budget-sweep");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 2 ** 20;
const quiet: SweepProgress = { task: () => {}, runStarted: () => {}, runProgress: () => {}, runFinished: () => {}, note: () => {}, stop: () => {} };
const context = { git: { revision: null, dirty: null }, engineAbi: null, bun: Bun.version, machine: machineContext() };

test("each run of a sweep is budgeted, measured and recorded, and leaves no cgroup", async () => {
  const model = await ensureModel({ preset: "tiny", seed: 19 }, { root: join(dir, "models"), threads: 1 });
  const budget: BudgetRequest = { enforce: "best-effort", pageCacheState: "cold", pageCacheBytes: 64 * MiB, residentBytes: 16 * MiB, recordBytes: 27648, layers: 2 };
  const run = (variant: string, engine: Record<string, string | number>): PlannedRun =>
    ({ id: `${variant}#0`, variant, repeat: 0, warmupTokens: 4, engine: { "model.dir": model.dir, "run.tokens": 40, ...engine }, budget, spec: { variant } });
  const budgets = await openBudgets();
  const result = await runSweep({
    experiment: "budget-sweep", runs: [run("lru", { "cache.policy": "lru", "cache.entries": 8 }), run("none", { "cache.policy": "none" })],
    resultsRoot: join(dir, "results"), context, progress: quiet, handleSigint: false, budgets,
  });
  expect(result).toMatchObject({ ran: 2, failed: 0 });
  const records = readRecords(join(result.dir, "runs.jsonl")).records;

  for (const r of records) {
    const env = r.environment!;
    expect(env.pageCache.state).toBe("cold");
    expect(env.pageCache.residentBeforeBytes).toBe(0);
    expect(env.counters!.process!.deviceReadBytes).toBeGreaterThan(0); // cold: the model came from the disk
    expect(env.counters!.windowS).toBeGreaterThan(0);
    expect(env.noise).not.toBeNull();
    if (budgets.driver) {
      const c = env.budget.composition!;
      expect(env.budget).toMatchObject({ enforced: true, mechanism: budgets.driver.kind, oomKills: 0 });
      expect(c.limitBytes).toBe(64 * MiB + 16 * MiB + c.overheadBytes);
      expect(env.budget.limitBytes! / c.limitBytes).toBeCloseTo(1, 4); // page-rounded by the kernel
      expect(env.budget.peakBytes).toBeLessThanOrEqual(env.budget.limitBytes!);
      expect(env.budget.observedOverheadBytes).toBeGreaterThan(0);
      expect(env.flags).not.toContain("budget not enforced");
    } else {
      expect(env.budget).toMatchObject({ enforced: false, mechanism: "none" });
      expect(env.flags).toContain("budget not enforced");
    }
  }
  const [lru, none] = records.map((r) => r.environment!.budget.composition);
  if (budgets.driver) {
    expect(lru!.appCacheBytes).toBe(8 * 27648);
    expect(none!.appCacheBytes).toBe(0);
    expect(budgets.overheads.size).toBe(1); // both runs have one shape once the cache is left out
    expect(readdirSync(budgets.driver.base).filter((n) => n.startsWith(`tierbench-${selfOwner().pid}-`))).toEqual([]);
  }
  const csv = parse(readFileSync(join(result.dir, "runs.csv")), { columns: true }) as Record<string, string>[];
  expect(csv.map((row) => row.page_cache_state)).toEqual(["cold", "cold"]);
  expect(csv.map((row) => row.budget_mechanism)).toEqual(records.map((r) => r.environment!.budget.mechanism));
  expect(csv.map((row) => Number(row.budget_limit_bytes || 0))).toEqual(records.map((r) => r.environment!.budget.limitBytes ?? 0));
  expect(csv.map((row) => Number(row.device_read_bytes))).toEqual(records.map((r) => r.environment!.counters!.process!.deviceReadBytes!));
}, 60_000);

test("a strict budget where none can be had, or one beyond the RAM, refuses before anything runs", async () => {
  const budgets = await openBudgets({ mechanism: { kind: "none", reason: "no memory cgroup controller is mounted" } });
  const strict: BudgetRequest = { enforce: "strict", pageCacheState: "cold", pageCacheBytes: 64 * MiB, residentBytes: 16 * MiB, recordBytes: 27648, layers: 2 };
  expect(() => budgets.check([strict])).toThrow("no memory budget can be enforced here: no memory cgroup controller is mounted");
  expect(() => budgets.check([{ ...strict, enforce: "best-effort" }])).not.toThrow();
  expect(() => budgets.check([{ ...strict, enforce: "best-effort", pageCacheBytes: 1e15 }])).toThrow("is more than its RAM");
});
