// The sweep executor: runs a plan's runs one at a time, interleaved, each in a fresh child,
// appending every outcome (failures included) to runs.jsonl before the next run starts.
// Runs already recorded for the same plan are skipped; Ctrl-C kills the child and stops.

import { join } from "node:path";
import { appendRecord, readRecords, repairTail } from "../results/runs-file.ts";
import { writeRunsCsv } from "../results/runs-csv.ts";
import { makeRecord, runHash, type RecordContext } from "../results/make-record.ts";
import { openResultsDir, RUNS_CSV, RUNS_JSONL } from "../results/results-dir.ts";
import { specHash } from "../results/spec-hash.ts";
import type { RunRecord } from "../results/run-record.ts";
import type { Comparison } from "../experiment/schema.ts";
import { interleave, type PlannedRun } from "./planned-run.ts";
import { CHILD_COMMAND, runChild } from "./run-child.ts";
import type { Budgets } from "../budget/budgets.ts";
import { withRunScope } from "../budget/with-run-scope.ts";
import { sweepProgress, type SweepProgress } from "./sweep-progress.ts";

export interface SweepOptions {
  experiment: string;
  runs: readonly PlannedRun[];
  resultsRoot: string;             // results/ of the checkout
  context: RecordContext;          // git, machine, engine ABI: gathered once per sweep
  source?: string;                 // the experiment file, for sweep.json
  compare?: Comparison[];          // the plan's comparisons, for sweep.json
  fresh?: boolean;                 // start a new result set even if this plan has one
  onResultsDir?: (dir: string) => void; // called once the result directory is known
  childCommand?: readonly string[];
  stepMs?: number;                 // engine step budget (default 100 ms)
  progress?: SweepProgress;
  signal?: AbortSignal;            // aborting stops the sweep like Ctrl-C
  handleSigint?: boolean;          // default true: Ctrl-C aborts the sweep cleanly
  budgets?: Budgets;               // memory budgets and page-cache states of runs that ask for them
}

export interface SweepResult {
  dir: string;
  resumed: boolean;
  total: number;
  skipped: number;                 // already recorded before this call
  ran: number;
  failed: number;
  interrupted: boolean;
}

function summary(r: RunRecord): string {
  if (r.status === "failed") return `FAILED (${r.failure?.kind}): ${r.failure?.message}`;
  const d = r.derived;
  if (!d) return "ok, no tokens";
  const steady = d.steady.plateaued ? `steady from token ${d.steady.startToken}` : `never plateaued (${d.steady.reason})`;
  return `ok, ${d.tokS?.toFixed(2)} tok/s, p99 ${d.p99TokenMs?.toFixed(2)} ms, ${steady}`;
}

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const runs = interleave(o.runs);
  const hashes = runs.map(runHash);
  const { dir, resumed } = openResultsDir({
    root: o.resultsRoot,
    manifest: { experiment: o.experiment, planHash: specHash(hashes), specHashes: hashes, source: o.source, ...(o.compare?.length ? { compare: o.compare } : {}) },
    fresh: o.fresh,
  });
  o.onResultsDir?.(dir);
  const jsonl = join(dir, RUNS_JSONL);
  const csv = join(dir, RUNS_CSV);
  const progress = o.progress ?? sweepProgress();

  const torn = repairTail(jsonl);
  if (torn) progress.note(`${jsonl}: removed a torn last line (${torn} bytes) left by an interrupted write`);
  const done = new Set(readRecords(jsonl).records.filter((r) => r.experiment === o.experiment).map((r) => r.run.specHash));
  const pending = runs.map((run, index) => ({ run, index })).filter(({ index }) => !done.has(hashes[index]!));
  if (resumed && pending.length < runs.length)
    progress.note(`resuming ${dir}: ${runs.length - pending.length} of ${runs.length} runs already recorded`);

  const abort = new AbortController();
  const onSigint = () => abort.abort();
  o.signal?.addEventListener("abort", onSigint, { once: true });
  if (o.handleSigint !== false) process.on("SIGINT", onSigint);

  const result: SweepResult = { dir, resumed, total: runs.length, skipped: runs.length - pending.length, ran: 0, failed: 0, interrupted: false };
  try {
    for (const { run, index } of pending) {
      if (abort.signal.aborted) break;
      const label = { index, count: runs.length, variant: run.variant, repeat: run.repeat };
      const totalTokens = Number(run.engine["run.tokens"] ?? 0);
      progress.runStarted(label, totalTokens);
      const startedAt = new Date();
      // Inside its budget: a cgroup made, the page cache put in its state, then the child.
      const { outcome, environment } = await withRunScope(async () => (await o.budgets?.begin(run)) ?? null, (scope) => runChild({
        input: { engine: run.engine, stepMs: o.stepMs ?? 100, warmupTokens: run.warmupTokens },
        command: scope ? scope.command(o.childCommand ?? CHILD_COMMAND) : o.childCommand,
        timeoutS: run.timeoutS,
        signal: abort.signal,
        onProgress: (p) => progress.runProgress(p.tokens, p.totalTokens || totalTokens, p.tokS),
        onMessage: scope ? (m) => scope.observe(m) : undefined,
      }));
      if (outcome.status === "interrupted") {
        abort.abort(); // a child stopped by Ctrl-C stops the sweep even if ours came later
        break;
      }
      const record = makeRecord({ experiment: o.experiment, run, index, count: runs.length, outcome, context: o.context, startedAt, finishedAt: new Date(), environment });
      appendRecord(jsonl, record);
      writeRunsCsv(jsonl, csv);
      result.ran++;
      if (record.status === "failed") result.failed++;
      progress.runFinished(label, summary(record));
    }
  } finally {
    progress.stop();
    o.signal?.removeEventListener("abort", onSigint);
    process.off("SIGINT", onSigint);
  }
  result.interrupted = abort.signal.aborted;
  if (!result.interrupted) writeRunsCsv(jsonl, csv); // also when nothing was left to run
  return result;
}
