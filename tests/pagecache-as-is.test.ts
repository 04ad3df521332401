// `as-is` means "no budget": pages cached before the run were charged outside its cgroup, so a
// budget could not bound them. Refused in the experiment file with enforce: strict (also from a
// variant), by the budgets before anything runs, and by a scope with a cgroup; with best-effort
// the run goes ahead without a cgroup, flagged "budget not enforced".

import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ensureModel, type ModelRef } from "../ffi/index.ts";
import { openBudgets } from "../harness/budget/budgets.ts";
import { v1Driver } from "../harness/budget/cgroup-v1.ts";
import { AS_IS_WITH_BUDGET, openRunScope } from "../harness/budget/run-scope.ts";
import { modelResidency } from "../harness/pagecache/page-cache-files.ts";
import { diskTmpDir } from "./fixtures/disk-tmp.ts";
import { FakeCgroupFs } from "./fixtures/fake-cgroup-fs.ts";
import { errors, plan } from "./harness-plan-helpers.ts";

const dir = diskTmpDir("pagecache-as-is");
let model: ModelRef;
beforeAll(async () => {
  model = await ensureModel({ preset: "tiny", seed: 13 }, { root: join(dir, "models"), threads: 1 });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 2 ** 20;
const request = { enforce: "strict", pageCacheState: "as-is", pageCacheBytes: 64 * MiB, residentBytes: 16 * MiB, recordBytes: 27648, layers: 2 } as const;

test("the experiment file: as-is with a strict budget is an error at the key that asked for it; with best-effort it plans", () => {
  const variants = "name: x\nmodel: { preset: tiny }\nvariants:\n  a: { machine.page_cache_state: warm }\n  b: { machine.page_cache_state: as-is }\n";
  expect(errors(variants)).toEqual([expect.stringContaining("test.yaml:5:34: variants.b.machine.page_cache_state: machine.page_cache_state as-is cannot be used with a memory budget")]);
  const ok = plan("name: x\nmodel: { preset: tiny }\nmachine: { enforce: best-effort, page_cache_state: as-is }\n");
  expect(ok.runs[0]!.machine).toMatchObject({ enforce: "best-effort", page_cache_state: "as-is" });
});

test("the budgets refuse a strict as-is run before anything runs", async () => {
  const budgets = await openBudgets();
  expect(() => budgets.check([request])).toThrow(AS_IS_WITH_BUDGET);
  await expect(budgets.begin({ id: "r#1", engine: { "model.dir": model.dir }, budget: request })).rejects.toThrow(AS_IS_WITH_BUDGET);
});

test("a scope with a cgroup refuses as-is before making anything", async () => {
  const fs = new FakeCgroupFs({ "memory.limit_in_bytes": "1" });
  fs.addDir("/cg");
  await expect(openRunScope({ driver: v1Driver("/cg", fs), label: "as-is-0", limitBytes: 64 * MiB, composition: null, pageCacheState: "as-is", modelDir: model.dir }))
    .rejects.toThrow(AS_IS_WITH_BUDGET);
  expect(fs.list("/cg")).toEqual([]);
});

test("best-effort as-is runs without a cgroup, the page cache untouched, flagged budget not enforced", async () => {
  const before = modelResidency(model.dir).residentBytes;
  const budgets = await openBudgets();
  const scope = (await budgets.begin({ id: "r#1", engine: { "model.dir": model.dir }, budget: { ...request, enforce: "best-effort" } }))!;
  expect(scope.cgroup).toBeNull();
  expect(scope.command(["run"])).toEqual(["run"]);
  const env = await scope.end(null);
  expect(env.budget).toMatchObject({ enforced: false, mechanism: "none", limitBytes: null, notEnforcedReason: expect.stringContaining("as-is") });
  expect(env.pageCache).toMatchObject({ state: "as-is", prepared: null, residentBeforeBytes: before });
  expect(env.flags).toEqual(["budget not enforced"]);
});
