// Where a token's expert bytes came from — application cache, page cache, device — in one shape
// for the engine's counters (measured) and the simulator's cells (predicted), so that ceilings,
// decomposition and predictions read the same numbers. Bytes per token throughout.

export interface Traffic {
  requested: number;      // every routed expert's record (tokens × layers × K records)
  appCache: number;       // served in place from the application cache (no copy)
  pageCache: number;      // demand-read bytes resident in the page cache just before the read
  device: number;         // demand-read bytes from the device (not resident, or read with O_DIRECT)
  directDevice: number;   // the part of `device` read with O_DIRECT
  readahead: number | null; // device bytes beyond the records asked for (readahead); null: unknown
  prefetchDevice: number; // prefetch-read bytes from the device
}

/** Fractions of the routed requests by source; they sum to 1 when anything was requested
 * (a null engine's reads count as application-cache hits: they move no bytes). */
export function sourceMix(t: Traffic): { appCache: number; pageCache: number; device: number } {
  if (!(t.requested > 0)) return { appCache: 1, pageCache: 0, device: 0 };
  const pageCache = Math.min(1, t.pageCache / t.requested);
  const device = Math.min(1 - pageCache, t.device / t.requested);
  return { appCache: 1 - pageCache - device, pageCache, device };
}

/** Readahead bytes per token: what the OS says the process read from the device over a run
 * (/proc/<pid>/io) beyond the records the engine read from it, over the same run; `otherBytes`
 * is the most of it that may be other files' (the resident weights' first touches). Readahead
 * can only add bytes: a shortfall means the attribution overcounted, which the warnings report
 * rather than hide as negative readahead. */
export function readaheadPerToken(wholeRun: Record<string, number>, osDeviceBytes: number | null, otherBytes = 0): number | null {
  if (osDeviceBytes === null) return null;
  const engine = (wholeRun.device_bytes ?? 0) + (wholeRun.prefetch_device_bytes ?? 0);
  return Math.max(0, osDeviceBytes - otherBytes - engine) / Math.max(1, wholeRun.tokens ?? 1);
}

/** From engine counters (stats.h names) over `tokens` tokens. */
export function trafficFromStats(st: Record<string, number>, tokens: number, readahead: number | null = null): Traffic {
  const per = (v: number | undefined) => (v ?? 0) / Math.max(1, tokens);
  const device = per(st.device_bytes);
  const prefetchDevice = per(st.prefetch_device_bytes);
  const record = st.expert_record_bytes ?? 0;
  return {
    requested: per(st.requested_bytes),
    appCache: per(st.app_cache_bytes),
    pageCache: per(st.page_cache_bytes),
    device,
    directDevice: Math.min(device, per((st.direct_reads ?? 0) * record)),
    readahead,
    prefetchDevice,
  };
}

/** A simulator cell (policies' `bun run simulate`: requested, page_cache and device bytes,
 * readahead included in device_bytes) over the tokens it counted. */
export interface SimCellBytes {
  requested_bytes: number;
  hits: number;
  requests: number;
  page_cache_bytes: number;
  device_bytes: number;
  readahead_bytes: number;
  direct_reads: number;
}

export function trafficFromSimCell(c: SimCellBytes, tokens: number, recordBytes: number): Traffic {
  const per = (v: number) => v / Math.max(1, tokens);
  const device = per(c.device_bytes - c.readahead_bytes);
  return {
    requested: per(c.requested_bytes),
    appCache: per(c.hits * recordBytes),
    pageCache: per(c.page_cache_bytes),
    device,
    directDevice: Math.min(device, per(c.direct_reads * recordBytes)),
    readahead: per(c.readahead_bytes),
    prefetchDevice: 0,
  };
}
