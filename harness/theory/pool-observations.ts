// Several runs of one configuration as one observation: per-token figures weighted by each
// run's tokens (the same as summing their counters), observed tok/s the median over runs, and
// a condition true when it held in any run (or, for steady state and budgets, in every run).

import { STAGES, type Stage } from "../results/derive-metrics.ts";
import { median } from "../results/summary-stats.ts";
import type { Observation, RunConditions } from "./observation.ts";
import type { Traffic } from "./traffic.ts";

export function poolObservations(obs: readonly Observation[], tokens: readonly number[]): Observation | null {
  if (obs.length === 0) return null;
  const total = tokens.reduce((a, b) => a + b, 0) || obs.length;
  const w = obs.map((_, i) => (tokens[i] ?? 1) / total);
  const avg = (f: (o: Observation) => number) => obs.reduce((a, o, i) => a + w[i]! * f(o), 0);
  const avgNull = (f: (o: Observation) => number | null) => (obs.every((o) => f(o) !== null) ? avg((o) => f(o)!) : null);
  const stages = (f: (o: Observation) => Record<Stage, number>) => Object.fromEntries(STAGES.map((s) => [s, avg((o) => f(o)[s])])) as Record<Stage, number>;
  const traffic: Traffic = {
    requested: avg((o) => o.traffic.requested),
    appCache: avg((o) => o.traffic.appCache),
    pageCache: avg((o) => o.traffic.pageCache),
    device: avg((o) => o.traffic.device),
    directDevice: avg((o) => o.traffic.directDevice),
    readahead: avgNull((o) => o.traffic.readahead),
    prefetchDevice: avg((o) => o.traffic.prefetchDevice),
  };
  const all = (f: (c: RunConditions) => boolean | null) => (obs.some((o) => f(o.conditions) === null) ? null : obs.every((o) => f(o.conditions)));
  const any = (f: (c: RunConditions) => boolean | null) => (obs.some((o) => f(o.conditions) === true) ? true : all(f));
  const tokS = obs.flatMap((o) => (o.tokS === null ? [] : [o.tokS]));
  const first = obs[0]!;
  const contended = obs.find((o) => o.contention.likely);
  return {
    ...first,
    tokS: tokS.length ? median(tokS) : null,
    windowNote: `${obs.length} run${obs.length === 1 ? "" : "s"} pooled; ${first.windowNote}`,
    wallS: stages((o) => o.wallS),
    cpuS: obs.every((o) => o.cpuS) ? stages((o) => o.cpuS!) : null,
    unattributedS: avg((o) => o.unattributedS),
    prefetchIssueS: avg((o) => o.prefetchIssueS),
    traffic,
    contention: contended?.contention ?? first.contention,
    conditions: {
      budgetEnforced: all((c) => c.budgetEnforced),
      budgetNote: obs.find((o) => o.conditions.budgetNote)?.conditions.budgetNote ?? null,
      noisy: any((c) => c.noisy),
      noisyRuns: obs.reduce((a, o) => a + o.conditions.noisyRuns, 0),
      runs: obs.reduce((a, o) => a + o.conditions.runs, 0),
      noiseReasons: obs.find((o) => o.conditions.noisy)?.conditions.noiseReasons ?? [],
      steady: all((c) => c.steady),
      osDeviceBytesPerToken: avgNull((o) => o.conditions.osDeviceBytesPerToken),
      attributedDeviceBytesPerToken: avg((o) => o.conditions.attributedDeviceBytesPerToken),
      readAmplification: avgNull((o) => o.conditions.readAmplification),
    },
  };
}
