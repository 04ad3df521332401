// Derived metrics of one run, computed from its raw samples alone so that they can be
// recomputed from runs.jsonl at any time. Units are in the field names (GB = 1e9 bytes).

import type { RunSamples } from "./run-record.ts";
import { findPlateau, tokensToFill, type PlateauSettings } from "./plateau.ts";
import { quantile } from "./summary-stats.ts";

/** The engine's stages, in pipeline order (stats.h TB_STAGES). */
export const STAGES = ["dense", "routing", "cache", "wait", "expert", "combine"] as const;
export type Stage = (typeof STAGES)[number];

export interface DerivedMetrics {
  tokens: number;                 // tokens the engine ran
  measuredTokens: number;         // after the warm-up
  tokS: number | null;            // measured tokens / their summed time
  p50TokenMs: number | null;
  p90TokenMs: number | null;
  p99TokenMs: number | null;
  steady:
    | { plateaued: true; startToken: number; tokS: number; window: number; tolerance: number; minTokens: number }
    | { plateaued: false; reason: string; window: number; tolerance: number; minTokens: number };
  stageWallMsPerToken: Record<Stage, number>; // over the whole run, warm-up included
  stageCpuMsPerToken: Record<Stage, number>;
  appHitRate: number | null;      // application-cache hits / expert requests
  routedBytesPerToken: number | null; // every routed expert's record, hit or miss
  deviceBytesPerToken: number | null;
  readGbps: number | null;        // bytes read by the I/O engine / run wall time
}

export interface DeriveOptions {
  warmupTokens?: number;
  plateau?: Partial<PlateauSettings>;
  /** Largest cache of the run besides the application cache (e.g. the page cache it is
   * given), in records; the plateau's minimum covers filling it as well. */
  otherCacheEntries?: number;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? a / b : null;

const scale = (v: number | null, k: number) => (v === null ? null : v * k);

export function deriveMetrics(samples: RunSamples, opts: DeriveOptions = {}): DerivedMetrics {
  const times = samples.tokenTimesS;
  const st = samples.stats;
  const tokens = st.tokens ?? times.length;
  const warmup = Math.min(times.length, Math.max(0, opts.warmupTokens ?? 0));
  const measured = times.slice(warmup);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const measuredS = sum(measured);
  const ms = (q: number) => (measured.length ? quantile(measured, q) * 1e3 : null);

  const requestsPerToken = ratio(st.requests, tokens) ?? 0;
  const fill = tokensToFill(Math.max(st.cache_capacity_entries ?? 0, opts.otherCacheEntries ?? 0), requestsPerToken);
  const settings = { ...opts.plateau, minTokens: opts.plateau?.minTokens ?? Math.max(fill, warmup) };
  const p = findPlateau(times, settings);
  const base = { window: p.settings.window, tolerance: p.settings.tolerance, minTokens: p.settings.minTokens };
  const steady: DerivedMetrics["steady"] = p.plateaued
    ? { plateaued: true, startToken: p.startToken, tokS: (times.length - p.startToken) / sum(times.slice(p.startToken)), ...base }
    : { plateaued: false, reason: p.reason, ...base };

  const perToken = (suffix: string) =>
    Object.fromEntries(STAGES.map((s) => [s, ((st[`${s}_${suffix}`] ?? 0) / Math.max(1, tokens)) * 1e3])) as Record<Stage, number>;

  return {
    tokens,
    measuredTokens: measured.length,
    tokS: measuredS > 0 ? measured.length / measuredS : null,
    p50TokenMs: ms(0.5),
    p90TokenMs: ms(0.9),
    p99TokenMs: ms(0.99),
    steady,
    stageWallMsPerToken: perToken("wall_s"),
    stageCpuMsPerToken: perToken("cpu_s"),
    appHitRate: ratio(st.app_hits, st.requests),
    routedBytesPerToken: st.expert_record_bytes !== undefined ? (ratio(st.requests, tokens) ?? 0) * st.expert_record_bytes : null,
    deviceBytesPerToken: ratio(st.device_bytes, tokens),
    readGbps: scale(ratio(st.read_bytes, st.run_wall_s), 1e-9),
  };
}
