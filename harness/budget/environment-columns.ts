// runs.csv columns for a run's environment (budget, page cache, counters, noise): flat, units in
// the names; every column is present (empty) for runs without one, so rows line up.

import type { RunEnvironment } from "./run-environment.ts";

type Cell = string | number | boolean | null;

export function environmentColumns(env: RunEnvironment | undefined): Record<string, Cell> {
  const b = env?.budget;
  const p = env?.pageCache;
  const c = env?.counters;
  return {
    budget_enforced: b ? b.enforced : null,
    budget_mechanism: b?.mechanism ?? null,
    budget_limit_bytes: b?.limitBytes ?? null,
    budget_peak_bytes: b?.peakBytes ?? null,
    budget_limit_hits: b?.limitHits ?? null,
    budget_oom_kills: b?.oomKills ?? null,
    budget_overhead_bytes: b?.composition?.overheadBytes ?? null,
    budget_observed_overhead_bytes: b?.observedOverheadBytes ?? null,
    budget_app_cache_bytes: b?.composition?.appCacheBytes ?? null,
    budget_os_page_cache_bytes: b?.composition?.osPageCacheBytes ?? null,
    page_cache_state: p?.state ?? null,
    page_cache_resident_before_bytes: p?.residentBeforeBytes ?? null,
    page_cache_resident_after_bytes: p?.residentAfterBytes ?? null,
    page_cache_charged_before_bytes: p?.chargedBeforeBytes ?? null,
    device_read_bytes: c?.process?.deviceReadBytes ?? null,
    read_amplification: c?.readAmplification ?? null,
    read_ahead_kb: c?.readAheadKb ?? null,
    major_faults: c?.process?.majorFaults ?? null,
    involuntary_ctx_switches: c?.process?.involuntaryCtxSwitches ?? null,
    steal_share: c?.stealShare ?? null,
    others_disk_bytes: c?.disk?.othersBytes ?? null,
    overloaded_share: env?.noise?.overloadedShare ?? null,
    psi_scope: c?.psi.scope ?? null,
    psi_io_some_s: c?.psi.stallS.io?.some ?? null,
    psi_memory_some_s: c?.psi.stallS.memory?.some ?? null,
    noisy: env?.noise ? env.noise.noisy : null,
    noise_reasons: env?.noise?.reasons.join("; ") || null,
    flags: env?.flags.join(", ") || null,
  };
}
