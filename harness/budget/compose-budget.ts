// A run's memory budget composed as DESIGN §2 says: the page cache the emulated machine gives
// the model plus its resident weights (both already × s), plus the runner's measured fixed
// overhead (which does not scale). An application cache comes out of the page cache's share.
// Bytes throughout.

import os from "node:os";
import { formatSize } from "../util/sizes.ts";

export interface BudgetParts {
  pageCacheBytes: number;  // machine.page_cache × s: page cache available to the model
  residentBytes: number;   // machine.resident × s: resident non-expert weights
  appCacheBytes: number;   // the application cache, taken out of the page cache's share
  overheadBytes: number;   // the runner's fixed overhead, measured (Bun, engine buffers, page tables)
}

export interface BudgetComposition extends BudgetParts {
  osPageCacheBytes: number; // what is left to the OS page cache: pageCache − appCache
  limitBytes: number;       // pageCache + resident + overhead
}

export function composeBudget(p: BudgetParts, ramBytes: number = os.totalmem()): BudgetComposition {
  for (const [k, v] of Object.entries(p))
    if (!Number.isFinite(v) || v < 0) throw new Error(`budget part ${k} = ${v}: must be a number of bytes ≥ 0`);
  if (p.appCacheBytes > p.pageCacheBytes)
    throw new Error(`the application cache (${formatSize(p.appCacheBytes)}) is larger than the page cache share it comes out of ` +
      `(machine.page_cache × s = ${formatSize(p.pageCacheBytes)}); lower the cache budget or raise machine.page_cache`);
  const limitBytes = p.pageCacheBytes + p.residentBytes + p.overheadBytes;
  if (limitBytes > ramBytes)
    throw new Error(`the memory budget ${formatSize(limitBytes)} (page cache ${formatSize(p.pageCacheBytes)} + resident ` +
      `${formatSize(p.residentBytes)} + runner overhead ${formatSize(p.overheadBytes)}) is more than this machine's RAM ` +
      `(${formatSize(ramBytes)}): lower machine.page_cache or machine.resident, or model.layers`);
  return { ...p, osPageCacheBytes: p.pageCacheBytes - p.appCacheBytes, limitBytes };
}

/** Physical bytes of the application cache a run's engine keys ask for (0 without a cache);
 * a per-layer budget counts once per layer. */
export function appCacheBytes(engine: Record<string, string | number | boolean>, recordBytes: number, layers: number): number {
  if (engine["cache.policy"] === undefined || engine["cache.policy"] === "none") return 0;
  const budget = Number(engine["cache.budget_bytes"] ?? 0);
  const entries = Number(engine["cache.entries"] ?? 0);
  // The engine holds whole records: a byte budget rounds down to slots.
  const perCache = budget > 0 ? Math.floor(budget / recordBytes) * recordBytes : entries * recordBytes;
  return perCache * (engine["cache.scope"] === "per-layer" ? layers : 1);
}
