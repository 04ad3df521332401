// Runs an expanded plan: each run in its own child process, results appended as they come.
// This build has no runner yet, so it says so and runs nothing.
import type { Plan } from "../experiment/plan.ts";

export interface RunIO {
  root: string;              // repository root
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Returns the process exit code. */
export async function runPlan(plan: Plan, io: RunIO): Promise<number> {
  io.err(`${plan.name}: running experiments is not available in this build yet; --dry-run shows the ${plan.runs.length} planned runs`);
  return 2;
}
