// What the executor needs of each expanded run, and the interleaved order it runs them in
// (ABCABC…: repeat by repeat, variants in plan order), so that slow drifts of the machine
// spread over all variants instead of favouring one.

import type { PlateauSettings } from "../results/plateau.ts";
import type { BudgetRequest } from "../budget/budgets.ts";
import type { EngineValue } from "./child-protocol.ts";

export interface PlannedRun {
  id: string;                          // unique within the experiment, e.g. "trust-os#2"
  variant: string;
  repeat: number;                      // 0-based
  engine: Record<string, EngineValue>; // every engine key, physical units, model.dir included
  warmupTokens: number;                // first tokens left out of tok/s and percentiles
  plateau?: Partial<PlateauSettings>;
  otherCacheEntries?: number;          // e.g. the page cache the run is given, in records
  timeoutS?: number;
  budget?: BudgetRequest;              // memory budget and page-cache state (harness/budget); none: run as is
  spec: unknown;                       // the fully expanded run spec, recorded verbatim
}

export function interleave<T extends Pick<PlannedRun, "variant" | "repeat">>(runs: readonly T[]): T[] {
  const variantOrder = new Map<string, number>();
  for (const r of runs) if (!variantOrder.has(r.variant)) variantOrder.set(r.variant, variantOrder.size);
  return runs
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.repeat - b.r.repeat || variantOrder.get(a.r.variant)! - variantOrder.get(b.r.variant)! || a.i - b.i)
    .map(({ r }) => r);
}
