// End to end through the real engine, the real child process and `bun run experiment`: the
// smoke experiment in under a minute, crashes and errors recorded while the sweep goes on,
// resume after the harness is killed, and Ctrl-C stopping cleanly. Tiny model, seconds each.

import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import type { RunRecord } from "../harness/results/run-record.ts";
import type { SweepManifest } from "../harness/results/results-dir.ts";

const repo = resolve(import.meta.dir, "..");
const work = mkdtempSync(join(tmpdir(), "tierbench-e2e-"));
const results = join(work, "results");
// Results and the machine profile stay in this test's directory; the model cache is shared.
const env = { ...process.env, TIERBENCH_RESULTS: results, TIERBENCH_PROFILE: join(work, "profile.json") };
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An experiment on the tiny preset; `slow` ms of sleep per token makes runs last long
 * enough to be interrupted. */
function experiment(name: string, variants: string, o: { tokens?: number; repeats?: number; slow?: number } = {}): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, `name: ${name}
model: { preset: tiny, layers: 2, bits: 4, seed: 1 }
workload:
  routing: { synthetic: { zipf: 0.8, reuse: 0.2, seed: 1 } }
  tokens: ${o.tokens ?? 40}
  warmup: 4
  repeats: ${o.repeats ?? 1}
machine: { page_cache: 64MB, resident: 16MB, ram: 256MB, enforce: best-effort }
${o.slow ? `engine: { fault.stage: dense, fault.sleep_ms: ${o.slow} }\n` : ""}variants:
${variants}`);
  return file;
}

const cli = (args: string[]) =>
  Bun.spawn([process.execPath, join(repo, "harness/cli/experiment.ts"), ...args], {
    cwd: repo,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });

async function finish(p: ReturnType<typeof cli>) {
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out, err };
}

const setsOf = (name: string) => (existsSync(join(results, name)) ? readdirSync(join(results, name)).sort().map((d) => join(results, name, d)) : []);
const lines = (dir: string) => (existsSync(join(dir, "runs.jsonl")) ? readFileSync(join(dir, "runs.jsonl"), "utf8").split("\n").filter(Boolean) : []);
const recordsOf = (dir: string) => lines(dir).map((l) => JSON.parse(l) as RunRecord);

async function waitFor(cond: () => boolean, ms: number) {
  for (const end = Date.now() + ms; Date.now() < end; await Bun.sleep(50)) if (cond()) return;
  throw new Error(`condition not met within ${ms} ms`);
}

/** Every descendant of a process (Linux /proc children lists). */
function childrenOf(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  return readdirSync(tasks).flatMap((t) => readFileSync(join(tasks, t, "children"), "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
}

test("bun run experiment smoke.yaml finishes in under a minute with results, charts and report", async () => {
  const started = Date.now();
  const p = Bun.spawn([process.execPath, "run", "experiment", "smoke.yaml"], {
    cwd: repo, env, stdout: "pipe", stderr: "pipe",
  });
  const r = await finish(p);
  expect(r.err).not.toContain("error");
  expect(r.code).toBe(0);
  expect(Date.now() - started).toBeLessThan(60_000);
  const [dir] = setsOf("smoke");
  const recs = recordsOf(dir!);
  expect(recs.map((x) => [x.run.variant, x.status])).toEqual([["lru", "ok"], ["none", "ok"]]);
  for (const x of recs) {
    expect(x.samples!.tokenTimesS).toHaveLength(64);
    expect(x.derived!.tokS).toBeGreaterThan(0);
    expect(x.context.engineAbi).toBeGreaterThan(0);
    expect(x.samples!.stats.tokens).toBe(64);
  }
  // the output is the model's, whatever the cache policy
  expect(recs[0]!.samples!.outputHash).toBe(recs[1]!.samples!.outputHash!);
  const csv = parse(readFileSync(join(dir!, "runs.csv")), { columns: true }) as Record<string, string>[];
  expect(csv.map((row) => Number(row.tok_s))).toEqual(recs.map((x) => x.derived!.tokS!));
  for (const png of ["tok-s", "stages"]) expect(statSync(join(dir!, "charts", `${png}.png`)).size).toBeGreaterThan(5000);
  const md = readFileSync(join(dir!, "report.md"), "utf8");
  expect(md).toContain("| lru | 1/1 |");
  expect(md).toContain("| none | 1/1 |");
  expect(md).toContain("at the probed device read bandwidth");
  expect(existsSync(join(dir!, "profile.json"))).toBe(true);
}, 90_000);

test("a crashed run and an engine error are recorded as failed while the sweep goes on", async () => {
  const file = experiment("runs-faults", `  crash: { fault.crash_after_tokens: 5 }
  fail: { fault.fail_after_tokens: 7 }
  ok: { cache.policy: lru, cache.entries: 8 }
`);
  const r = await finish(cli([file]));
  expect(r.code).toBe(3); // finished, with failed runs
  const [dir] = setsOf("runs-faults");
  const [crash, fail, ok] = recordsOf(dir!);
  expect(crash!.status).toBe("failed");
  expect(crash!.failure).toMatchObject({ kind: "signal", signal: "SIGABRT" });
  expect(crash!.failure!.message).toContain("killed by SIGABRT");
  expect(fail!.status).toBe("failed");
  expect(fail!.failure).toMatchObject({ kind: "error", code: -8 });
  expect(fail!.failure!.message.length).toBeGreaterThan(10);
  expect(fail!.samples!.tokenTimesS).toHaveLength(7); // measured before the error: kept
  expect(ok!.status).toBe("ok");
  const csv = parse(readFileSync(join(dir!, "runs.csv")), { columns: true }) as Record<string, string>[];
  expect(csv.map((row) => [row.status, row.failure_kind, row.failure_signal])).toEqual([["failed", "signal", "SIGABRT"], ["failed", "error", ""], ["ok", "", ""]]);
  expect(readFileSync(join(dir!, "report.md"), "utf8")).toContain("crash#1 failed (signal)");
}, 60_000);

test("a killed harness leaves no run behind, and re-running resumes without repeating runs", async () => {
  const file = experiment("runs-resume", "  a: { cache.policy: lru, cache.entries: 8 }\n  b: { cache.policy: none }\n", { tokens: 150, repeats: 2, slow: 4 });
  const p = cli([file]);
  // mid-sweep: a run recorded and the next one's child running (not its page-cache preparation)
  const runChildOf = (pid: number) => childrenOf(pid).some((k) => readFileSync(`/proc/${k}/cmdline`, "utf8").includes("harness/run/child.ts"));
  await waitFor(() => setsOf("runs-resume").some((d) => lines(d).length >= 1) && runChildOf(p.pid), 30_000);
  const kids = childrenOf(p.pid);
  expect(kids.map((k) => readFileSync(`/proc/${k}/cmdline`, "utf8"))).toEqual([expect.stringContaining("harness/run/child.ts")]);
  p.kill("SIGKILL");
  await p.exited;
  await waitFor(() => kids.every((k) => !existsSync(`/proc/${k}`) || readFileSync(`/proc/${k}/stat`, "utf8").split(" ")[2] === "Z"), 5_000);

  const [dir] = setsOf("runs-resume");
  const before = lines(dir!);
  expect(before.length).toBeGreaterThanOrEqual(1);
  expect(before.length).toBeLessThan(4);

  const again = await finish(cli([file]));
  expect(again.code).toBe(0);
  expect(again.out).toContain(`${before.length} of 4 runs already recorded`);
  expect(setsOf("runs-resume")).toEqual([dir!]);
  const after = lines(dir!);
  expect(after.slice(0, before.length)).toEqual(before); // recorded runs untouched
  const ids = after.map((l) => (JSON.parse(l) as RunRecord).run.id);
  expect(ids).toEqual(["a#1", "b#1", "a#2", "b#2"]);
  const manifest = JSON.parse(readFileSync(join(dir!, "sweep.json"), "utf8")) as SweepManifest;
  expect(new Set(recordsOf(dir!).map((x) => x.run.specHash))).toEqual(new Set(manifest.specHashes));
}, 90_000);

test("Ctrl-C stops the sweep cleanly and says how to resume; --fresh starts a new set", async () => {
  const file = experiment("runs-sigint", "  a: { cache.policy: none }\n", { tokens: 120, repeats: 2, slow: 4 });
  const p = cli([file]);
  await waitFor(() => setsOf("runs-sigint").some((d) => lines(d).length >= 1), 30_000);
  p.kill("SIGINT");
  const r = await finish(p);
  expect(r.code).toBe(130);
  expect(r.out).toMatch(/Interrupted: 1 of 2 runs are recorded in .*; nothing is half-written/);
  expect(r.out).toContain(`Run \`bun run experiment ${file}\` again to resume`);
  const [dir] = setsOf("runs-sigint");
  expect(readFileSync(join(dir!, "runs.jsonl"), "utf8").endsWith("\n")).toBe(true);
  expect(recordsOf(dir!).every((x) => x.status === "ok")).toBe(true); // the killed run is not recorded as failed

  const fresh = await finish(cli([file, "--fresh"]));
  expect(fresh.code).toBe(0);
  const sets = setsOf("runs-sigint");
  expect(sets).toHaveLength(2);
  expect(lines(sets[1]!)).toHaveLength(2);
}, 90_000);
