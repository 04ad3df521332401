// Runs an expanded plan (the non-dry-run path of `bun run experiment`): builds the engine,
// prepares models, probes the device once per record size, runs the sweep and renders the
// report — also after an interruption, with a line saying how to resume.
import { join, relative } from "node:path";
import { ensureLibrary, library, describe } from "../../ffi/index.ts";
import type { Plan, RunSpec } from "../experiment/plan.ts";
import { gitRevision } from "../results/git-revision.ts";
import { machineContext } from "../results/machine-context.ts";
import { readRecords } from "../results/runs-file.ts";
import { resultsRoot, RUNS_JSONL } from "../results/results-dir.ts";
import { defaultProfilePath, type MachineProfile } from "../probe/machine-profile.ts";
import { ensureQuickProbe, snapshotProfile } from "../probe/ensure-probe.ts";
import { renderReport } from "../report/render-report.ts";
import { writeSummary } from "../flagship/summary-of-dir.ts";
import { FLASH_MOE_NOTES } from "../flagship/flash-moe-notes.ts";
import { writePaperMachine } from "../flagship/paper-machine.ts";
import { engineRegistry } from "../engine/load-registry.ts";
import { presetGeometry } from "../engine/preset-geometry.ts";
import { simulate } from "../sim/sim-binding.ts";
import type { PlannedRun } from "./planned-run.ts";
import { modelKey, prepareModels } from "./prepare-models.ts";
import { runSweep } from "./sweep.ts";
import { sweepProgress, type SweepProgress } from "./sweep-progress.ts";
import { openBudgets } from "../budget/budgets.ts";
import { budgetRequest } from "../budget/budget-request.ts";
import { appendDrift, describeDrift, driftOf, probeTargets, type ProbeTarget } from "../counters/probe-drift.ts";
import { checkPageCacheModel, writePageCacheCheck } from "../pagecache/model-check.ts";

export interface RunIO {
  root: string;              // repository root
  out: (line: string) => void;
  err: (line: string) => void;
  fresh?: boolean;           // start a new result set even if this plan has one
  progress?: SweepProgress;  // default: a bar on a terminal, plain lines otherwise
}

export const EXIT_RUNS_FAILED = 3;   // the sweep finished, but some runs failed (all recorded)
export const EXIT_INTERRUPTED = 130; // Ctrl-C: what finished is recorded; re-running resumes
export const EXIT_NO_BUDGET = 4;     // a run's memory budget cannot be enforced here; nothing ran


/** A path as the user would type it from here: relative inside the working directory. */
function shownPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}

/** The executor's view of one run of the plan. */
export function plannedRun(spec: RunSpec, modelDir: string): PlannedRun {
  const records = spec.model.layers * spec.model.experts;
  return {
    id: spec.id,
    variant: spec.config,
    repeat: spec.repeat - 1,
    engine: { ...spec.engine, "model.dir": modelDir },
    warmupTokens: spec.workload.warmup,
    // The page cache given to the run is a cache to fill too — up to the whole model.
    otherCacheEntries: Math.min(records, Math.floor(spec.machine.page_cache.physical / spec.model.recordBytes)),
    budget: budgetRequest(spec),
    spec,
  };
}

/** Returns the process exit code. */
export async function runPlan(plan: Plan, io: RunIO): Promise<number> {
  const progress = io.progress ?? sweepProgress();
  ensureLibrary();
  const engineAbi = library().abi;

  // Budgets first: stale cgroups of a killed harness are swept, and a budget that cannot be
  // enforced refuses before anything is generated or run.
  const budgets = await openBudgets({ note: progress.note });
  try {
    budgets.check(plan.runs.map(budgetRequest));
  } catch (e) {
    progress.stop();
    io.err((e as Error).message);
    return EXIT_NO_BUDGET;
  }

  const models = await prepareModels(plan.runs.map((r) => r.model), progress.note, (name, f) => progress.task(`generating ${name}`, f));
  const runs = plan.runs.map((r) => plannedRun(r, models.get(modelKey(r.model))!));

  // One quick probe per record size, at every read parallelism the plan uses.
  const targets: ProbeTarget[] = [...models].map(([key, dir]) => {
    const these = plan.runs.filter((r) => modelKey(r.model) === key);
    return { modelDir: dir, recordBytes: these[0]!.model.recordBytes, parallelism: [...new Set(these.map((r) => Number(r.engine["io.threads"] ?? 1)))] };
  });
  let profile: MachineProfile | null = null;
  for (const t of targets) profile = await ensureQuickProbe({ profilePath: defaultProfilePath(io.root), ...t, note: progress.note });
  // Re-probed right before and after the sweep: drift of the device under the sweep.
  const before = { at: new Date().toISOString(), measurements: await probeTargets(targets) };

  const result = await runSweep({
    experiment: plan.name,
    runs,
    resultsRoot: resultsRoot(io.root),
    source: plan.file,
    compare: plan.compare,
    fresh: io.fresh,
    progress,
    context: { git: gitRevision(io.root), engineAbi, bun: Bun.version, machine: machineContext(models.values().next().value) },
    onResultsDir: (dir) => profile && snapshotProfile(dir, profile),
    budgets,
  });
  const after = result.interrupted ? null : { at: new Date().toISOString(), measurements: await probeTargets(targets) };
  const changes = driftOf(before.measurements, after?.measurements ?? null);
  appendDrift(result.dir, { before, after, changes });
  if (after) for (const line of describeDrift(changes)) progress.note(line);
  // The simulator's page-cache model against the page-cache hits the budgeted runs measured.
  try {
    const policies = describe().policies.map((x) => x.name);
    writePageCacheCheck(result.dir, await checkPageCacheModel(readRecords(join(result.dir, RUNS_JSONL)).records, policies));
  } catch (e) {
    progress.note(`page-cache model check not written: ${(e as Error).message}`);
  }

  // The what-if on the paper's own machine, for the summary: predictions only, nothing measured.
  if (FLASH_MOE_NOTES[plan.name]?.paperMachine && !result.interrupted) {
    try {
      await writePaperMachine(plan, result.dir, engineRegistry(), { root: io.root, geometryOf: presetGeometry, simulate });
    } catch (e) {
      progress.note(`paper-machine prediction not written: ${(e as Error).message}`);
    }
  }

  const { report, summary } = await renderReport(result.dir);
  for (const v of summary.variants) {
    const t = v.tokS;
    const ceiling = v.ioCeilingTokS ? `, I/O ceiling ${v.ioCeilingTokS.toFixed(2)}` : "";
    io.out(`${v.variant}: ${t ? `${t.median.toFixed(2)} tok/s [${t.min.toFixed(2)}–${t.max.toFixed(2)}] over ${t.n} runs` : "no successful run"}${ceiling}${v.failures.length ? `, ${v.failures.length} failed` : ""}`);
  }
  const records = readRecords(join(result.dir, RUNS_JSONL)).records;
  const failed = records.filter((r) => r.status === "failed").length;
  const shown = shownPath(result.dir);
  if (result.interrupted) {
    const file = relative(io.root, plan.file).startsWith("experiments/") ? relative(join(io.root, "experiments"), plan.file) : plan.file;
    io.out(`Interrupted: ${records.length} of ${result.total} runs are recorded in ${shown}; nothing is half-written.`);
    io.out(`Run \`bun run experiment ${file}\` again to resume where it stopped (--fresh starts a new result set).`);
    return EXIT_INTERRUPTED;
  }
  // Published comparisons end with their summary: intervals, verdicts and the mechanism.
  if (plan.compare.length) for (const line of ["", ...writeSummary(result.dir, resultsRoot(io.root)), ""]) io.out(line);
  io.out(`${records.length} runs recorded in ${shown}${failed ? `, ${failed} failed` : ""}; report: ${shownPath(report)}`);
  return failed ? EXIT_RUNS_FAILED : 0;
}
