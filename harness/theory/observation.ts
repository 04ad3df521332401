// An observation in the terms the decomposition reads — per-token stage times, byte sources and
// the conditions of the run — built from a stored run, or written by hand from a paper (the
// Flash-MoE observation), so that both go through the same arithmetic.

import { STAGES, type Stage } from "../results/derive-metrics.ts";
import type { RunRecord } from "../results/run-record.ts";
import { setupFromRecord, type RunSetup } from "./run-setup.ts";
import { readaheadPerToken, trafficFromStats, type Traffic } from "./traffic.ts";
import { measuredWindow } from "./measured-window.ts";

export interface Observation {
  label: string;
  setup: RunSetup;
  tokS: number | null;                   // observed after warm-up: what ceilings compare with
  windowNote: string;                    // what the per-token figures cover
  wallS: Record<Stage, number>;          // per token, in the counters' window
  cpuS: Record<Stage, number> | null;    // loop-thread CPU per token; null: not measured
  unattributedS: number;                 // per token, time the source put in no stage
  prefetchIssueS: number;                // per token, inside the cache stage's wall time
  traffic: Traffic;
  contention: { likely: boolean; why: string }; // threads (ours or others') outnumbering cores
  conditions: RunConditions;
}

/** What the warnings need besides the numbers; null where the run did not record it. */
export interface RunConditions {
  budgetEnforced: boolean | null;
  budgetNote: string | null;
  noisy: boolean | null;
  noisyRuns: number;                     // of the runs pooled into this observation
  runs: number;
  noiseReasons: string[];                // the first noisy run's
  steady: boolean | null;                // the plateau rule found steady state
  osDeviceBytesPerToken: number | null;  // from /proc/<pid>/io, over the whole run
  attributedDeviceBytesPerToken: number; // what the engine counted as device bytes, same window
  readAmplification: number | null;      // OS device bytes / bytes asked of the OS
}

/** The budgets issue's record fields, read structurally (absent on runs without a budget). */
interface EnvironmentLike {
  budget?: { enforced?: boolean; notEnforcedReason?: string };
  counters?: {
    process?: { deviceReadBytes?: number | null } | null;
    readAmplification?: number | null;
    runnable?: { mean: number } | null;
  } | null;
  noise?: { noisy: boolean; reasons: string[]; overloadedShare?: number | null } | null;
}

const perToken = (st: Record<string, number>, suffix: string, tokens: number) =>
  Object.fromEntries(STAGES.map((s) => [s, (st[`${s}_${suffix}`] ?? 0) / tokens])) as Record<Stage, number>;

/** Threads that want a core at once in compute stages: the compute pool, plus the I/O workers
 * when reads run under compute (overlapped), plus other tenants' runnable threads. */
export function contentionOf(s: RunSetup, env: EnvironmentLike | undefined): { likely: boolean; why: string } {
  const ours = s.computeThreads + (s.exec === "overlapped" ? s.ioThreads : 0);
  if (ours > s.cores) return { likely: true, why: `${ours} compute threads of the run want ${s.cores} cores` };
  const runnable = env?.counters?.runnable?.mean;
  if (typeof runnable === "number" && runnable > s.cores)
    return { likely: true, why: `${runnable.toFixed(1)} runnable threads on average on ${s.cores} cores` };
  if (env?.noise?.overloadedShare && env.noise.overloadedShare > 0)
    return { likely: true, why: `runnable threads above 1.5 × cores for ${(env.noise.overloadedShare * 100).toFixed(0)} % of the run` };
  if (typeof runnable === "number") return { likely: false, why: `${runnable.toFixed(1)} runnable threads on average on ${s.cores} cores` };
  return { likely: false, why: `${ours} compute thread${ours === 1 ? "" : "s"} of the run on ${s.cores} cores; other tenants not measured` };
}

/** A run's observation; the engine's counters cover the whole run (warm-up included). */
export function observationFromRecord(r: RunRecord, denseBitsOf?: (preset: string) => number | null): Observation | null {
  const whole = r.samples?.stats;
  if (r.status !== "ok" || !whole || !(whole.tokens > 0)) return null;
  const window = measuredWindow(r.samples!);
  const st = window.stats;
  const tokens = st.tokens;
  const setup = setupFromRecord(r, denseBitsOf);
  const env = (r as RunRecord & { environment?: EnvironmentLike }).environment;
  const osDevice = env?.counters?.process?.deviceReadBytes ?? null;
  return {
    label: r.run.variant,
    setup,
    tokS: r.derived?.tokS ?? null,
    windowNote: window.note,
    wallS: perToken(st, "wall_s", tokens),
    cpuS: perToken(st, "cpu_s", tokens),
    unattributedS: 0,  // the engine's stage clock gives every instant to a stage
    prefetchIssueS: (st.prefetch_issue_s ?? 0) / tokens,
    // The OS counters cover the whole run, from the engine's opening: resident.bin's first reads too.
    traffic: trafficFromStats(st, tokens, readaheadPerToken(whole, osDevice, (r.spec as { model?: { residentBytes?: number } } | null)?.model?.residentBytes ?? 0)),
    contention: contentionOf(setup, env),
    conditions: {
      budgetEnforced: env?.budget?.enforced ?? null,
      budgetNote: env?.budget?.notEnforcedReason ?? null,
      noisy: env?.noise?.noisy ?? null,
      noisyRuns: env?.noise?.noisy ? 1 : 0,
      runs: 1,
      noiseReasons: env?.noise?.reasons ?? [],
      steady: r.derived ? r.derived.steady.plateaued : null,
      osDeviceBytesPerToken: osDevice === null ? null : osDevice / whole.tokens,
      attributedDeviceBytesPerToken: (whole.device_bytes ?? 0) / whole.tokens,
      readAmplification: env?.counters?.readAmplification ?? null,
    },
  };
}
