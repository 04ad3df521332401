// The JSON-lines protocol between the sweep and a run's child process: the child gets one
// ChildInput on stdin and writes ChildMessages to stdout, one per line.

import type { RunSamples } from "../results/run-record.ts";
import type { ProcessCounters } from "../counters/process-counters.ts";

export type EngineValue = string | number | boolean;

export interface ChildInput {
  engine: Record<string, EngineValue>; // engine keys in physical units, set in this order
  stepMs: number;                      // wall-time budget of one engine step (≈100 ms)
  warmupTokens?: number;               // the engine's counters are also kept when these tokens have run
}

export type ChildMessage =
  | { type: "opened"; abi: number; config: Record<string, unknown> }
  | { type: "progress"; tokens: number; totalTokens: number; tokS: number }
  // the child's own counters at the edges of its measured window (harness/counters)
  | { type: "counters"; at: "start" | "end"; process: ProcessCounters }
  | { type: "result"; status: "ok"; samples: RunSamples }
  | { type: "result"; status: "failed"; error: { message: string; code?: number }; samples: RunSamples | null };

/** Parses one stdout line; anything that is not a protocol message gives null. */
export function parseChildLine(line: string): ChildMessage | null {
  if (!line.startsWith("{")) return null;
  try {
    const m = JSON.parse(line) as ChildMessage;
    return m && typeof m.type === "string" ? m : null;
  } catch {
    return null;
  }
}
