// A simulation's cells as flat rows with derived ratios — the CSV's rows and what the table
// and the charts read. Ratios: application-cache hits per request; page-cache bytes per byte
// of buffered reads; requested bytes served from memory (either cache) per requested byte. Pure.
import type { SimGroup } from "./sim-groups.ts";
import type { CellResult, SimResult } from "./sim-binding.ts";

export interface SimRow {
  group: string;
  configs: string;                 // the configurations it stands for, "+"-joined
  scope: string;
  direct: string;
  pagecache_model: string;
  policy: string;
  entries_per_cache: number;
  capacity_entries: number;        // all caches together
  capacity_bytes: number;
  pagecache_bytes: number;         // what the page-cache model had beside it
  requests: number;
  app_hits: number;
  app_misses: number;
  app_evictions: number;
  app_bypasses: number;
  app_hit_ratio: number;
  pagecache_hit_bytes: number;
  pagecache_hit_ratio: number | null;   // null without buffered reads
  device_bytes: number;
  readahead_bytes: number;
  memory_hit_ratio: number;
  prefetch_useful: number | null;  // prefetched entries demand then hit (null: no prefetch counts)
  prefetch_wasted: number | null;  // prefetched entries evicted before any demand hit
  pinned: number | null;           // pinned entries, all caches
  configs_here: string;            // configurations whose own cell this is, "+"-joined
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

export function simRows(g: SimGroup, r: SimResult): SimRow[] {
  return r.cells.map((c: CellResult) => {
    const caches = g.caches;
    const buffered = c.buffered_reads * r.record_bytes;
    return {
      group: g.id,
      configs: g.configs.join("+"),
      scope: r.scope,
      direct: r.direct,
      pagecache_model: r.pagecache.model,
      policy: c.policy,
      entries_per_cache: c.capacity,
      capacity_entries: c.capacity * caches,
      capacity_bytes: c.capacity * caches * r.record_bytes,
      pagecache_bytes: c.pagecache_capacity_bytes,
      requests: c.requests,
      app_hits: c.hits,
      app_misses: c.misses,
      app_evictions: c.evictions,
      app_bypasses: c.bypasses,
      app_hit_ratio: ratio(c.hits, c.requests),
      pagecache_hit_bytes: c.page_cache_bytes,
      pagecache_hit_ratio: buffered > 0 ? c.page_cache_bytes / buffered : null,
      device_bytes: c.device_bytes,
      readahead_bytes: c.readahead_bytes,
      memory_hit_ratio: ratio(c.hits * r.record_bytes + c.page_cache_bytes, c.requested_bytes),
      prefetch_useful: c.prefetch_useful ?? null,
      prefetch_wasted: c.prefetch_wasted ?? null,
      pinned: c.pinned ?? null,
      configs_here: g.points.filter((p) => p.policy === c.policy && p.entries === c.entries).map((p) => p.config).join("+"),
    };
  });
}
