// The sweep's side of memory budgets: the mechanism detected once, stale cgroups of dead
// harnesses swept at start, the runner's fixed overhead measured once per run shape, and each
// run's scope opened with its budget composed (DESIGN §2) — or refused, or flagged "budget not
// enforced" when the experiment allows best-effort.

import os from "node:os";
import { canonicalJson } from "../results/spec-hash.ts";
import { storageOf } from "../results/machine-context.ts";
import type { EngineValue } from "../run/child-protocol.ts";
import type { PageCacheState } from "../pagecache/states.ts";
import { BudgetRefused, driverFor } from "./budget-driver.ts";
import { appCacheBytes, composeBudget } from "./compose-budget.ts";
import { detectMechanism, type Mechanism } from "./detect-mechanism.ts";
import { measureOverhead, calibrationSettings, type OverheadMeasurement } from "./measure-overhead.ts";
import type { CgroupDriver } from "./run-cgroup.ts";
import { AS_IS_WITH_BUDGET, openRunScope, type RunScope } from "./run-scope.ts";
import { sweepStale, type StaleSweep } from "./stale-sweep.ts";
import { formatSize } from "../util/sizes.ts";

/** What a run asks of its machine (physical bytes), from the experiment's machine: section. */
export interface BudgetRequest {
  enforce: "strict" | "best-effort";
  pageCacheState: PageCacheState;
  pageCacheBytes: number;   // machine.page_cache × s
  residentBytes: number;    // machine.resident × s
  recordBytes: number;      // one expert record, for the application cache's size
  layers: number;
}

export interface BudgetedRun {
  id: string;
  engine: Record<string, EngineValue>; // model.dir included
  budget?: BudgetRequest;
}

export interface Budgets {
  readonly mechanism: Mechanism;
  readonly driver: CgroupDriver | null;
  readonly refusal: string | null;     // why no budget can be enforced here
  readonly stale: StaleSweep;
  readonly overheads: ReadonlyMap<string, OverheadMeasurement>;
  /** Throws before anything runs when a run asks for what cannot be had. */
  check(requests: readonly (BudgetRequest | undefined)[]): void;
  /** The run's scope; null when the run asks for no budget at all. */
  begin(run: BudgetedRun): Promise<RunScope | null>;
}

export async function openBudgets(o: { mechanism?: Mechanism; note?: (line: string) => void; ramBytes?: number } = {}): Promise<Budgets> {
  const mechanism = o.mechanism ?? detectMechanism();
  let driver: CgroupDriver | null = null;
  let refusal: string | null = null;
  try {
    driver = driverFor(mechanism);
  } catch (e) {
    if (!(e instanceof BudgetRefused)) throw e;
    refusal = e.message;
  }
  const stale: StaleSweep = driver ? await sweepStale(driver) : { removed: [], failed: [] };
  for (const s of stale.removed) o.note?.(`removed a stale budget cgroup ${s.path} (harness pid ${s.ownerPid} is gone${s.killed ? `; ${s.killed} leftover processes killed` : ""})`);
  for (const f of stale.failed) o.note?.(`could not remove the stale budget cgroup ${f.path}: ${f.error}`);

  const overheads = new Map<string, OverheadMeasurement>();
  let seq = 0;
  const ram = o.ramBytes ?? os.totalmem();

  const check: Budgets["check"] = (requests) => {
    for (const b of requests) {
      if (!b) continue;
      if (b.pageCacheState === "as-is" && b.enforce === "strict") throw new Error(AS_IS_WITH_BUDGET);
      if (b.enforce === "strict" && b.pageCacheState !== "as-is" && !driver) throw new BudgetRefused(`${refusal} (machine.enforce is strict)`);
      if (b.pageCacheBytes + b.residentBytes > ram)
        throw new Error(`machine.page_cache + machine.resident on this machine (${formatSize(b.pageCacheBytes + b.residentBytes)}) is more than its RAM (${formatSize(ram)}): lower them or model.layers`);
    }
  };

  return {
    mechanism, driver, refusal, stale, overheads, check,
    async begin(run) {
      const b = run.budget;
      if (!b) return null;
      check([b]);
      const modelDir = String(run.engine["model.dir"]);
      const storage = storageOf(modelDir);
      const common = { label: `run-${seq++}`, pageCacheState: b.pageCacheState, modelDir, device: storage.device, readAheadKb: storage.readAheadKb };
      if (!driver || b.pageCacheState === "as-is") {
        const notEnforcedReason = driver ? "machine.page_cache_state is as-is (best-effort): the run has no budget" : refusal!;
        return openRunScope({ ...common, driver: null, notEnforcedReason, limitBytes: null, composition: null });
      }
      const key = canonicalJson(calibrationSettings(run.engine));
      let overhead = overheads.get(key);
      if (!overhead) {
        overhead = await measureOverhead({ driver, engine: run.engine, label: `overhead-${seq++}` });
        overheads.set(key, overhead);
        o.note?.(`runner fixed overhead for ${run.id}'s settings: ${formatSize(overhead.bytes)} (measured in a cgroup, ${overhead.samples} samples)`);
      }
      const composition = composeBudget({
        pageCacheBytes: b.pageCacheBytes,
        residentBytes: b.residentBytes,
        appCacheBytes: appCacheBytes(run.engine, b.recordBytes, b.layers),
        overheadBytes: overhead.bytes,
      }, ram);
      return openRunScope({ ...common, driver, limitBytes: composition.limitBytes, composition });
    },
  };
}
