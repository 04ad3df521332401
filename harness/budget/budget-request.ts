// What a planned run asks of the machine, from its resolved machine: section (physical bytes).

import type { RunSpec } from "../experiment/plan.ts";
import type { BudgetRequest } from "./budgets.ts";

export function budgetRequest(spec: Pick<RunSpec, "machine" | "model">): BudgetRequest {
  return {
    enforce: spec.machine.enforce,
    pageCacheState: spec.machine.page_cache_state,
    pageCacheBytes: spec.machine.page_cache.physical,
    residentBytes: spec.machine.resident.physical,
    recordBytes: spec.model.recordBytes,
    layers: spec.model.layers,
  };
}
