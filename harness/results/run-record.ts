// The shape of one line of runs.jsonl: everything needed to re-derive and re-render a run
// without re-measuring (STYLE point 10). Bump RUN_RECORD_SCHEMA on any incompatible change.

import type { MachineContext } from "./machine-context.ts";
import type { DerivedMetrics } from "./derive-metrics.ts";
import type { RunEnvironment } from "../budget/run-environment.ts";

export const RUN_RECORD_SCHEMA = 1;

/** Raw measurements as the engine reported them; units are in the counter names. */
export interface RunSamples {
  tokenTimesS: number[];                 // seconds per token, in token order
  stats: Record<string, number>;         // engine counters by name (stats.h)
  warmupStats?: Record<string, number>;  // the same counters when the warm-up tokens had run
  layerStats: { names: string[]; rows: number[][] }; // [layer][counter]
  tokenCounters?: Record<string, number[]>; // per token, by counter name (absent in older records)
  outputHash: string | null;             // 16 hex digits over every token's final state
  config: Record<string, unknown> | null; // the engine's resolved configuration
}

// stderr: the end of the child's stderr (a crash report, a stack trace), for diagnosis.
export type RunFailure =
  | { kind: "signal"; signal: string; message: string; stderr?: string }
  | { kind: "exit"; exitCode: number; message: string; stderr?: string }
  | { kind: "error"; message: string; code?: number }
  | { kind: "timeout"; timeoutS: number; message: string };

export interface RunRecord {
  schema: number;
  experiment: string;
  run: { id: string; index: number; count: number; variant: string; repeat: number; specHash: string };
  status: "ok" | "failed";
  failure?: RunFailure;
  startedAt: string;                     // ISO 8601
  finishedAt: string;
  context: {
    git: { revision: string | null; dirty: boolean | null };
    engineAbi: number | null;
    bun: string;
    machine: MachineContext;
  };
  spec: unknown;                         // the fully expanded run spec, verbatim
  engine: Record<string, string | number | boolean>; // the engine keys the run set (physical units)
  samples: RunSamples | null;            // null when the run died before reporting anything
  derived: DerivedMetrics | null;
  // memory budget, page-cache state, run counters and noise (harness/budget); absent: none asked
  environment?: RunEnvironment;
}
