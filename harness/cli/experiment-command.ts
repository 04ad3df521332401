// What `bun run experiment` does, apart from argument parsing: find the file, validate and
// expand it (nothing runs and nothing is written when it has errors), then print the dry-run
// view or hand the plan to the runner. Returns the exit code.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Registry } from "../engine/registry.ts";
import { formatDiagnostic } from "../experiment/diagnostic.ts";
import { renderDryRun } from "../experiment/dry-run.ts";
import { estimate } from "../experiment/estimate.ts";
import { findExperimentFile } from "../experiment/find-file.ts";
import { planExperiment } from "../experiment/plan-experiment.ts";
import { planningBandwidth } from "../experiment/planning-bandwidth.ts";
import { runPlan, type RunIO } from "../run/run-plan.ts";

export interface CommandIO extends RunIO {
  cwd: string;               // where the command was typed
  registry: () => Registry;  // the engine's description (loads the engine library)
}

export const EXIT_INVALID = 1;   // the experiment has errors
export const EXIT_USAGE = 2;     // no such file

export async function experimentCommand(arg: string, dryRun: boolean, io: CommandIO): Promise<number> {
  const found = findExperimentFile(arg, io.cwd, io.root);
  if (!found.ok) {
    io.err(found.message);
    return EXIT_USAGE;
  }
  const shown = path.relative(io.cwd, found.file) || found.file;
  const planned = planExperiment(readFileSync(found.file, "utf8"), found.file, io.registry(), existsSync);
  if (!planned.ok) {
    for (const d of planned.diagnostics) io.err(formatDiagnostic({ ...d, file: shown }));
    const n = planned.diagnostics.length;
    io.err(`${shown}: ${n} error${n === 1 ? "" : "s"}; nothing was run`);
    return EXIT_INVALID;
  }
  if (!dryRun) return runPlan(planned.plan, io);
  const bandwidth = planningBandwidth(io.root, planned.plan.runs[0]!.model.recordBytes);
  io.out(renderDryRun(planned.plan, estimate(planned.plan, bandwidth.bytesPerS), { file: shown, bandwidth }));
  return 0;
}
