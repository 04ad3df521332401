// The budget on a model four times its size: a 1 GB model (2 layers of 128 2-bit experts) under
// a 256 MiB memory cgroup. Cold and warm verified by mincore, warm pages charged inside the
// run's cgroup; the runner child reading the whole model keeps its page cache under the cap and
// leaves no cgroup behind; application-cache slots beyond the budget fail the run at start.
// Without any memory cgroup: the refusal instead.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { diskTmpDir } from "./fixtures/disk-tmp.ts";
import { ensureModel, type ModelRef } from "../ffi/index.ts";
import { BudgetRefused, driverFor } from "../harness/budget/budget-driver.ts";
import { detectMechanism } from "../harness/budget/detect-mechanism.ts";
import { openRunScope } from "../harness/budget/run-scope.ts";
import { withRunScope } from "../harness/budget/with-run-scope.ts";
import { modelResidency } from "../harness/pagecache/page-cache-files.ts";
import { CHILD_COMMAND, runChild } from "../harness/run/run-child.ts";
import type { EngineValue } from "../harness/run/child-protocol.ts";

const MiB = 2 ** 20;
const BUDGET = 256 * MiB;
const mechanism = detectMechanism();

if (mechanism.kind === "none") {
  test("without a memory cgroup no budget can be made, and the refusal says why", () => {
    expect(() => driverFor(mechanism)).toThrow(BudgetRefused);
  });
} else {
  const driver = driverFor(mechanism);
  const root = diskTmpDir("budget-1gb");
  let model: ModelRef;
  beforeAll(async () => {
    model = await ensureModel({ preset: "qwen3.5-397b-a17b", geometry: { layers: 2, experts: 128, dense_matrices: 1 }, bits: 2, seed: 5 }, { root });
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true })); // a gigabyte: never left behind

  const run = (scope: Awaited<ReturnType<typeof openRunScope>>, engine: Record<string, EngineValue>) =>
    runChild({ input: { engine: { "model.dir": model.dir, ...engine }, stepMs: 100 }, command: scope.command(CHILD_COMMAND), onMessage: (m) => scope.observe(m) });

  describe(`a 1 GB model under a 256 MiB budget (${mechanism.kind})`, () => {
    test("cold: no page of the model is resident; warm: pre-read inside the budget, capped by it and charged to it", async () => {
      expect(modelResidency(model.dir).bytes).toBeGreaterThan(1e9);
      const cold = await openRunScope({ driver, label: "cold-0", limitBytes: BUDGET, composition: null, pageCacheState: "cold", modelDir: model.dir });
      expect(modelResidency(model.dir).residentBytes).toBe(0);
      const coldEnv = await cold.end(null);
      expect(coldEnv.pageCache).toMatchObject({ state: "cold", residentBeforeBytes: 0 });

      const warm = await openRunScope({ driver, label: "warm-0", limitBytes: BUDGET, composition: null, pageCacheState: "warm", modelDir: model.dir });
      try {
        const resident = modelResidency(model.dir).residentBytes;
        const charged = warm.cgroup!.read();
        expect(resident).toBeGreaterThan(BUDGET / 2);   // warm: the budget is filled…
        expect(resident).toBeLessThanOrEqual(BUDGET);   // …and not exceeded
        expect(charged.usageBytes).toBeGreaterThanOrEqual(resident); // every resident page is the run's
        expect(charged.fileBytes).toBeGreaterThanOrEqual(resident);
      } finally {
        await warm.end(null);
      }
      // The same pre-read without a budget keeps (all but what the machine reclaims of) the whole
      // model: the cap above was the budget's.
      const free = await openRunScope({ driver: null, label: "free-0", limitBytes: null, composition: null, pageCacheState: "warm", modelDir: model.dir });
      const all = modelResidency(model.dir);
      await free.end(null);
      expect(all.residentBytes).toBeGreaterThan(3 * BUDGET);
    }, 60_000);

    test("the runner child reading the whole model keeps its page cache under the cap; the cgroup is gone afterwards", async () => {
      const scope = await openRunScope({ driver, label: "read-0", limitBytes: BUDGET, composition: null, pageCacheState: "cold", modelDir: model.dir });
      const path = scope.cgroup!.path;
      // Uniform routing, no application cache: 40 tokens ask for 1.26 GB of expert records.
      const outcome = await run(scope, { "run.tokens": 40, "routing.zipf": 0, "routing.reuse": 0, "cache.policy": "none" });
      const env = await scope.end(outcome.status === "ok" ? outcome.samples.stats : null);
      expect(outcome.status).toBe("ok");
      expect(env.counters!.process!.deviceReadBytes).toBeGreaterThan(2 * BUDGET); // it read far more than fits
      expect(env.budget.limitBytes).toBe(BUDGET);
      expect(env.budget.peakBytes).toBeLessThanOrEqual(BUDGET);
      expect(env.pageCache.residentAfterBytes).toBeGreaterThan(BUDGET / 4);
      expect(env.pageCache.residentAfterBytes).toBeLessThanOrEqual(BUDGET);
      expect(env.pageCache.chargedAfterBytes).toBeGreaterThanOrEqual(env.pageCache.residentAfterBytes);
      expect(env.budget.oomKills).toBe(0);
      expect(existsSync(path)).toBe(false);
      expect(env.budget.removed?.emptied).toBe(true); // emptied first: the run's page cache went with it
      expect(modelResidency(model.dir).residentBytes).toBeLessThan(MiB);
    }, 60_000);

    test("an impossible budget fails at start: application-cache slots beyond it are OOM-killed at open, before any token", async () => {
      let tokens = 0;
      const t0 = performance.now();
      const { outcome, environment } = await withRunScope(
        () => openRunScope({ driver, label: "oom-0", limitBytes: 96 * MiB, composition: null, pageCacheState: "cold", modelDir: model.dir }),
        (scope) => runChild({
          // 64 slots of 3.9 MB records: 252 MB of touched slots in a 96 MiB budget
          input: { engine: { "model.dir": model.dir, "run.tokens": 1000, "cache.policy": "lru", "cache.entries": 64 }, stepMs: 100 },
          command: scope!.command(CHILD_COMMAND),
          onMessage: (m) => scope!.observe(m),
          onProgress: (p) => void (tokens = p.tokens),
        }),
      );
      expect(outcome.status === "failed" && outcome.failure).toMatchObject({ kind: "signal", signal: "SIGKILL" });
      expect(outcome.status === "failed" && outcome.failure.message).toContain("the memory cgroup OOM-killed it once: the run needed more than its budget of 101 MB");
      expect(tokens).toBe(0);
      expect(environment!.budget.oomKills).toBe(1);
      expect(environment!.counters).toBeNull(); // it never opened: no measured window
      expect(performance.now() - t0).toBeLessThan(20_000);
    }, 60_000);
  });
}
