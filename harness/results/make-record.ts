// Assembles one runs.jsonl record from a planned run, its child's outcome and the sweep's
// context, deriving the metrics from the raw samples.

import type { PlannedRun } from "../run/planned-run.ts";
import type { ChildOutcome } from "../run/run-child.ts";
import { deriveMetrics } from "./derive-metrics.ts";
import { RUN_RECORD_SCHEMA, type RunRecord } from "./run-record.ts";
import { specHash } from "./spec-hash.ts";
import type { RunEnvironment } from "../budget/run-environment.ts";

export type RecordContext = Omit<RunRecord["context"], "engineAbi"> & { engineAbi: number | null };

/** A run's identity for resuming: what it is and every engine key it sets except where the
 * model happens to be cached (the spec names the model itself). */
export function runHash(r: PlannedRun): string {
  const { "model.dir": _where, ...engine } = r.engine;
  return specHash({ id: r.id, variant: r.variant, repeat: r.repeat, spec: r.spec, engine });
}

export function makeRecord(o: {
  experiment: string;
  run: PlannedRun;
  index: number;
  count: number;
  outcome: Exclude<ChildOutcome, { status: "interrupted" }>;
  context: RecordContext;
  startedAt: Date;
  finishedAt: Date;
  environment?: RunEnvironment | null;
}): RunRecord {
  const { run, outcome } = o;
  const samples = outcome.samples;
  const derived = samples && samples.tokenTimesS.length > 0
    ? deriveMetrics(samples, { warmupTokens: run.warmupTokens, plateau: run.plateau, otherCacheEntries: run.otherCacheEntries })
    : null;
  return {
    schema: RUN_RECORD_SCHEMA,
    experiment: o.experiment,
    run: { id: run.id, index: o.index, count: o.count, variant: run.variant, repeat: run.repeat, specHash: runHash(run) },
    status: outcome.status,
    ...(outcome.status === "failed" ? { failure: outcome.failure } : {}),
    startedAt: o.startedAt.toISOString(),
    finishedAt: o.finishedAt.toISOString(),
    context: { ...o.context, engineAbi: outcome.abi ?? o.context.engineAbi },
    spec: run.spec,
    engine: run.engine,
    samples,
    derived,
    ...(o.environment ? { environment: o.environment } : {}),
  };
}
