// What a run record keeps about the run's environment: its memory budget (mechanism, composed
// and enforced limit, peak, limit hits, OOM kills), the page-cache state it started in and the
// residency around it, its counters and noise verdict, and one-word flags for tables.

import type { RunCounters } from "../counters/run-counters.ts";
import type { NoiseVerdict } from "../counters/noise.ts";
import type { PageCacheReport } from "../pagecache/page-cache-state.ts";
import type { PageCacheState } from "../pagecache/states.ts";
import type { BudgetComposition } from "./compose-budget.ts";
import type { MechanismKind } from "./detect-mechanism.ts";
import type { RemoveReport } from "./run-cgroup.ts";

export interface RunEnvironment {
  budget: {
    enforced: boolean;
    mechanism: MechanismKind | "none";
    notEnforcedReason?: string;
    composition: BudgetComposition | null;
    limitBytes: number | null;          // as the kernel held it
    peakBytes: number | null;
    limitHits: number | null;
    oomKills: number | null;
    observedOverheadBytes: number | null; // most non-page-cache memory sampled in the cgroup
    removed: RemoveReport | null;
  };
  pageCache: {
    state: PageCacheState;
    prepared: PageCacheReport | null;
    modelBytes: number;
    residentFileBytes: number;          // resident.bin: the non-expert weights, mapped and read every token
    residentBeforeBytes: number;        // after the state was produced, before the child started
    residentAfterBytes: number;         // after the child exited, before the cgroup was emptied
    chargedBeforeBytes: number | null;  // page cache charged to the run's cgroup at the start
    chargedAfterBytes: number | null;
  };
  counters: RunCounters | null;         // null: the child never opened its measured window
  noise: NoiseVerdict | null;
  flags: string[];                      // "budget not enforced", "noisy": one word each, for tables
}
