// The simulator's page-cache model against measured page-cache hits: budgeted cold runs on a
// 126 MB model (2 layers of 16 2-bit experts) replayed through the model with the page cache
// their budget left — close when the model fits, both lower when it does not — a warm run left
// out with its reason, and the report's section built from the stored check. Without any
// memory cgroup: every run is left out as unbudgeted.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe as engineDescription, ensureModel, type ModelRef } from "../ffi/index.ts";
import { environmentSections } from "../harness/budget/environment-section.ts";
import { openBudgets, type BudgetRequest } from "../harness/budget/budgets.ts";
import { checkPageCacheModel, writePageCacheCheck } from "../harness/pagecache/model-check.ts";
import { machineContext } from "../harness/results/machine-context.ts";
import { readRecords } from "../harness/results/runs-file.ts";
import type { PlannedRun } from "../harness/run/planned-run.ts";
import { runSweep } from "../harness/run/sweep.ts";
import { diskTmpDir } from "./fixtures/disk-tmp.ts";

const MiB = 2 ** 20;
const RECORD = 3_932_160;
const dir = diskTmpDir("pagecache-model-check");
let model: ModelRef;
beforeAll(async () => {
  model = await ensureModel({ preset: "qwen3.5-397b-a17b", geometry: { layers: 2, experts: 16, dense_matrices: 1 }, bits: 2, seed: 5 }, { root: join(dir, "models") });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { task: () => {}, runStarted: () => {}, runProgress: () => {}, runFinished: () => {}, note: () => {}, stop: () => {} };

test("measured page-cache hits beside the model's: close when the model fits, both lower when the budget is small", async () => {
  // resident.bin (33 MB) fits in the resident share, so the page cache share is the experts'.
  const run = (variant: string, pageCacheMiB: number, state: "cold" | "warm"): PlannedRun => ({
    id: `${variant}#0`, variant, repeat: 0, warmupTokens: 0, spec: { variant },
    engine: { "model.dir": model.dir, "run.tokens": 20, "cache.policy": "none", "io.fadvise": "random" },
    budget: { enforce: "best-effort", pageCacheState: state, pageCacheBytes: pageCacheMiB * MiB, residentBytes: 40 * MiB, recordBytes: RECORD, layers: 2 } satisfies BudgetRequest,
  });
  const budgets = await openBudgets();
  const result = await runSweep({
    experiment: "pc-check", runs: [run("fits", 160, "cold"), run("small", 8, "cold"), run("warm", 160, "warm")],
    resultsRoot: join(dir, "results"), progress: quiet, handleSigint: false, budgets,
    context: { git: { revision: null, dirty: null }, engineAbi: null, bun: Bun.version, machine: machineContext(model.dir) },
  });
  const records = readRecords(join(result.dir, "runs.jsonl")).records;
  expect(records.map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
  const check = await checkPageCacheModel(records, engineDescription().policies.map((p) => p.name));

  if (!budgets.driver) {
    expect(check.rows).toEqual([]);
    expect(check.skipped.map((s) => s.why)).toContain("no enforced budget: the page cache it had is unknown");
    return;
  }
  expect(check.skipped).toEqual([{ runId: "warm#0", why: "started warm; the model starts with an empty page cache" }]);
  const [fits, small] = check.rows;
  expect(fits!.readaheadBytes).toBe(0); // io.fadvise random: no readahead, in the kernel or the model
  // The whole model fits: only first touches miss, in the model (lru and 2q alike) and measured.
  const [lru, twoQ] = fits!.predicted;
  expect(lru!.share).toBe(twoQ!.share);
  expect(lru!.share).toBeGreaterThan(0.75);
  expect(Math.abs(lru!.error)).toBeLessThan(0.03);
  expect(small!.availableBytes).toBeLessThan(fits!.availableBytes / 2);
  expect(small!.measuredShare).toBeLessThan(fits!.measuredShare - 0.2);
  for (const p of small!.predicted) {
    expect(p.share).toBeLessThan(lru!.share - 0.2);
    expect(p.error).toBeCloseTo(p.share - small!.measuredShare, 12);
  }

  writePageCacheCheck(result.dir, check);
  const text = environmentSections(result.dir, records).join("\n");
  expect(text).toContain("## Page-cache model check");
  expect(text).toMatch(/\| fits \| 1 \| [\d.]+ \| [\d.]+ % \| [\d.]+ % \| -?[\d.]+ pts \| [\d.]+ % \| -?[\d.]+ pts \|/);
  expect(text).toContain("## Memory budget, page cache and noise");
  expect(text).not.toContain("## Device drift"); // drift.jsonl is run-plan's, around a whole sweep
}, 120_000);
