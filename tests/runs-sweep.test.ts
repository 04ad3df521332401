// The sweep executor with a stand-in child (no engine): interleaved order, crashes and errors
// recorded while the sweep goes on, resume after an interrupted sweep, fresh starts, timeouts.
// The same behaviours through the real engine are in runs-engine.test.ts.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { runSweep, type SweepOptions } from "../harness/run/sweep.ts";
import { interleave, type PlannedRun } from "../harness/run/planned-run.ts";
import { readRecords } from "../harness/results/runs-file.ts";
import { machineContext } from "../harness/results/machine-context.ts";
import type { SweepProgress } from "../harness/run/sweep-progress.ts";

const root = mkdtempSync(join(tmpdir(), "tierbench-sweep-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const fakeChild = [process.execPath, join(import.meta.dir, "fixtures", "runs-fake-child.ts")];
const context = { git: { revision: null, dirty: null }, engineAbi: null, bun: Bun.version, machine: machineContext() };

function plan(variants: Record<string, Record<string, number>>, repeats: number): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const [variant, keys] of Object.entries(variants))
    for (let repeat = 0; repeat < repeats; repeat++)
      runs.push({ id: `${variant}#${repeat}`, variant, repeat, warmupTokens: 0, engine: { "run.tokens": 8, ...keys }, spec: { variant, repeat } });
  return runs;
}

function quiet(onFinished?: (n: number) => void): SweepProgress & { lines: string[] } {
  const lines: string[] = [];
  let finished = 0;
  return {
    lines,
    task: () => {},
    runStarted: () => {},
    runProgress: () => {},
    runFinished: (r, s) => (lines.push(`${r.variant}#${r.repeat}: ${s}`), onFinished?.(++finished)),
    note: (l) => void lines.push(l),
    stop: () => {},
  };
}

// Each run starts a Bun process: on a busy two-core machine a sweep takes seconds.
const SWEEP_TIMEOUT_MS = 30_000;

const sweep = (o: Partial<SweepOptions> & Pick<SweepOptions, "experiment" | "runs">) =>
  runSweep({ resultsRoot: root, context, childCommand: fakeChild, handleSigint: false, progress: quiet(), ...o });

test("interleave orders runs repeat by repeat, variants in plan order", () => {
  const order = interleave(plan({ a: {}, b: {}, c: {} }, 2)).map((r) => r.id);
  expect(order).toEqual(["a#0", "b#0", "c#0", "a#1", "b#1", "c#1"]);
});

test("a crashed run and a failed run are recorded and the sweep goes on", async () => {
  const runs = plan({ ok: {}, crash: { "fault.crash_after_tokens": 3 }, fail: { "fault.fail_after_tokens": 2 } }, 2);
  const r = await sweep({ experiment: "faults", runs });
  expect(r).toMatchObject({ total: 6, ran: 6, failed: 4, interrupted: false });
  const { records } = readRecords(join(r.dir, "runs.jsonl"));
  expect(records.map((x) => `${x.run.id}:${x.status}`)).toEqual(["ok#0:ok", "crash#0:failed", "fail#0:failed", "ok#1:ok", "crash#1:failed", "fail#1:failed"]);
  const crash = records[1]!;
  expect(crash.failure).toMatchObject({ kind: "signal", signal: "SIGABRT" });
  expect(crash.failure!.message).toContain("after 3 tokens");
  const fail = records[2]!;
  expect(fail.failure).toEqual({ kind: "error", message: "injected failure after 2 tokens", code: -8 });
  expect(fail.samples?.tokenTimesS).toHaveLength(2); // what was measured before the error is kept
  expect(records[0]!.derived?.tokens).toBe(8);
  const csv = parse(readFileSync(join(r.dir, "runs.csv")), { columns: true }) as Record<string, string>[];
  expect(csv.map((row) => row.failure_signal)).toEqual(["", "SIGABRT", "", "", "SIGABRT", ""]);
}, SWEEP_TIMEOUT_MS);

test("an interrupted sweep resumes without repeating recorded runs", async () => {
  const runs = plan({ a: {}, b: {} }, 2);
  const stop = new AbortController();
  const first = await sweep({ experiment: "resume", runs, signal: stop.signal, progress: quiet((n) => n === 2 && stop.abort()) });
  expect(first).toMatchObject({ ran: 2, interrupted: true, resumed: false });
  expect(readRecords(join(first.dir, "runs.jsonl")).records).toHaveLength(2);

  const progress = quiet();
  const second = await sweep({ experiment: "resume", runs, progress });
  expect(second).toMatchObject({ dir: first.dir, resumed: true, skipped: 2, ran: 2, interrupted: false });
  expect(progress.lines[0]).toContain("2 of 4 runs already recorded");
  const ids = readRecords(join(first.dir, "runs.jsonl")).records.map((x) => x.run.id);
  expect(ids).toEqual(["a#0", "b#0", "a#1", "b#1"]);

  const third = await sweep({ experiment: "resume", runs });
  expect(third).toMatchObject({ dir: first.dir, skipped: 4, ran: 0 });
  const fresh = await sweep({ experiment: "resume", runs, fresh: true });
  expect(fresh.dir).not.toBe(first.dir);
  expect(fresh).toMatchObject({ resumed: false, ran: 4 });
}, SWEEP_TIMEOUT_MS);

test("a changed plan starts a new result set", async () => {
  const a = await sweep({ experiment: "changed", runs: plan({ a: {} }, 1) });
  const b = await sweep({ experiment: "changed", runs: plan({ a: { "fake.token_ms": 2 } }, 1) });
  expect(b.dir).not.toBe(a.dir);
  expect(b.resumed).toBe(false);
}, SWEEP_TIMEOUT_MS);

test("a run past its time limit is killed and recorded as a timeout", async () => {
  const runs = plan({ slow: { "fake.token_ms": 400, "run.tokens": 50 } }, 1).map((r) => ({ ...r, timeoutS: 1 }));
  const r = await sweep({ experiment: "timeout", runs });
  const [rec] = readRecords(join(r.dir, "runs.jsonl")).records;
  expect(rec!.failure).toMatchObject({ kind: "timeout", timeoutS: 1 });
}, SWEEP_TIMEOUT_MS);
