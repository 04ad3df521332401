// A run's budget composed as DESIGN §2 says — page cache + resident + the runner's measured
// overhead, the application cache out of the page cache's share — with bad parts named; the
// runner's fixed overhead measured in a cgroup of its own that is gone afterwards.

import { afterAll, expect, test } from "bun:test";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureModel } from "../ffi/index.ts";
import { budgetRequest } from "../harness/budget/budget-request.ts";
import { BudgetRefused, driverFor } from "../harness/budget/budget-driver.ts";
import { appCacheBytes, composeBudget } from "../harness/budget/compose-budget.ts";
import { detectMechanism } from "../harness/budget/detect-mechanism.ts";
import { calibrationSettings, measureOverhead } from "../harness/budget/measure-overhead.ts";
import { selfOwner } from "../harness/budget/owner.ts";
import { diskTmpDir } from "./fixtures/disk-tmp.ts";
import { plan } from "./harness-plan-helpers.ts";

const MiB = 2 ** 20;
const GB = 1e9;

test("the limit is page cache + resident + overhead; the application cache comes out of the page cache", () => {
  const c = composeBudget({ pageCacheBytes: 2.33 * GB, residentBytes: 0.37 * GB, appCacheBytes: 0.65 * GB, overheadBytes: 30 * MiB }, 24 * GB);
  expect(c.limitBytes).toBe(2.33 * GB + 0.37 * GB + 30 * MiB);
  expect(c.osPageCacheBytes).toBe(2.33 * GB - 0.65 * GB);
});

test("impossible compositions are refused, naming the parts and what to change", () => {
  expect(() => composeBudget({ pageCacheBytes: GB, residentBytes: 0, appCacheBytes: 2 * GB, overheadBytes: 0 }, 24 * GB))
    .toThrow("the application cache (2.00 GB) is larger than the page cache share it comes out of (machine.page_cache × s = 1.00 GB)");
  expect(() => composeBudget({ pageCacheBytes: 20 * GB, residentBytes: 5 * GB, appCacheBytes: 0, overheadBytes: 30e6 }, 24 * GB))
    .toThrow("the memory budget 25.0 GB (page cache 20.0 GB + resident 5.00 GB + runner overhead 30.0 MB) is more than this machine's RAM (24.0 GB)");
  expect(() => composeBudget({ pageCacheBytes: -1, residentBytes: 0, appCacheBytes: 0, overheadBytes: 0 })).toThrow("budget part pageCacheBytes = -1");
});

test("the application cache's bytes as the engine holds them: whole records, per layer when scoped so", () => {
  const rec = 3_932_160;
  expect(appCacheBytes({ "cache.policy": "none", "cache.entries": 100 }, rec, 4)).toBe(0);
  expect(appCacheBytes({ "cache.policy": "lru", "cache.budget_bytes": 10.5 * rec }, rec, 4)).toBe(10 * rec);
  expect(appCacheBytes({ "cache.policy": "lru", "cache.budget_bytes": 0, "cache.entries": 7 }, rec, 4)).toBe(7 * rec);
  expect(appCacheBytes({ "cache.policy": "lru", "cache.entries": 7, "cache.scope": "per-layer" }, rec, 4)).toBe(28 * rec);
});

test("a planned run asks for the machine: section's physical sizes", () => {
  const r = plan("name: x\nmodel: { preset: qwen3.5-397b-a17b, layers: 4, bits: 2 }\nmachine: { page_cache: 35GB, resident: 5.5GB, page_cache_state: warm }\n").runs[0]!;
  expect(budgetRequest(r)).toEqual({
    enforce: "strict", pageCacheState: "warm", pageCacheBytes: Math.round(35e9 * 4 / 60), residentBytes: Math.round(5.5e9 * 4 / 60),
    recordBytes: 3_932_160, layers: 4,
  });
});

const mechanism = detectMechanism();
if (mechanism.kind === "none") {
  test("without a memory cgroup the overhead cannot be measured: no driver", () => {
    expect(() => driverFor(mechanism)).toThrow(BudgetRefused);
  });
} else {
  const dir = diskTmpDir("budget-compose");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the runner's fixed overhead is measured in a cgroup of its own, with faults and the application cache off", async () => {
    const model = await ensureModel({ preset: "tiny", seed: 17 }, { root: join(dir, "models"), threads: 1 });
    const driver = driverFor(mechanism);
    // The run's faults would kill the calibration; its application cache is budgeted elsewhere.
    const engine = { "model.dir": model.dir, "run.tokens": 50, "cache.policy": "lru", "cache.entries": 8, "fault.crash_after_tokens": 0 };
    expect(calibrationSettings(engine)).toMatchObject({ "cache.policy": "none", "cache.entries": 0, "fault.crash_after_tokens": -1 });
    const m = await measureOverhead({ driver, engine, label: "overhead-test" });
    expect(m.tokens).toBeGreaterThan(0);
    expect(m.samples).toBeGreaterThan(1);
    expect(m.bytes).toBeGreaterThan(MiB);       // a Bun process and an open engine hold something…
    expect(m.bytes).toBeLessThan(512 * MiB);    // …and nowhere near a model's worth
    const mine = readdirSync(driver.base).filter((n) => n.startsWith(`tierbench-${selfOwner().pid}-`));
    expect(mine).toEqual([]); // the calibration's cgroup is gone
  }, 60_000);
}
