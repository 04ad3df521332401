// The engine counters over the tokens a run's tok/s is measured on: the counters at the end
// less those kept when the warm-up ended, so the decomposition explains the observed tok/s
// itself; runs recorded without the warm-up snapshot fall back to the whole run.

import type { RunSamples } from "../results/run-record.ts";
import { STAGES } from "../results/derive-metrics.ts";

// Counters that accumulate per token and that the theory reads; every other counter (sizes,
// capacities, minima, peaks) is taken as it stands at the end.
const ACCUMULATING = new Set([
  "tokens", "layers_run", "requests", "app_hits", "requested_bytes", "app_cache_bytes", "page_cache_bytes",
  "device_bytes", "read_bytes", "direct_reads", "reads", "copy_s", "read_latency_s", "run_wall_s", "run_cpu_s",
  "prefetch_device_bytes", "prefetch_issue_s", "prefetch_wait_s",
  ...STAGES.flatMap((s) => [`${s}_wall_s`, `${s}_cpu_s`]),
]);

export interface CounterWindow {
  stats: Record<string, number>;
  measured: boolean;     // true: after warm-up only; false: the whole run
  note: string;
}

export function measuredWindow(s: RunSamples): CounterWindow {
  const end = s.stats;
  const w = s.warmupStats;
  const tokens = (end.tokens ?? 0) - (w?.tokens ?? 0);
  if (!w || !(tokens > 0)) return { stats: end, measured: false, note: `${end.tokens ?? 0} tokens, warm-up included (no counters kept at the warm-up's end)` };
  const stats = Object.fromEntries(Object.entries(end).map(([k, v]) => [k, ACCUMULATING.has(k) ? v - (w[k] ?? 0) : v]));
  return { stats, measured: true, note: `the ${tokens} measured tokens after the ${w.tokens} of warm-up` };
}
