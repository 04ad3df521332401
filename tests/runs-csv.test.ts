// runs.jsonl → runs.csv round trip (parsed back with csv-parse), and the torn-line repair of
// an append-only runs.jsonl.

import { afterAll, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { appendRecord, readRecords, repairTail } from "../harness/results/runs-file.ts";
import { writeRunsCsv } from "../harness/results/runs-csv.ts";
import { makeRecord } from "../harness/results/make-record.ts";
import { machineContext } from "../harness/results/machine-context.ts";
import type { PlannedRun } from "../harness/run/planned-run.ts";
import type { RunSamples } from "../harness/results/run-record.ts";

const dir = mkdtempSync(join(tmpdir(), "tierbench-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = { git: { revision: "abc123", dirty: true }, engineAbi: 1, bun: Bun.version, machine: machineContext(dir) };
const run = (variant: string, repeat: number): PlannedRun => ({
  id: `${variant}#${repeat}`, variant, repeat, warmupTokens: 4,
  engine: { "run.tokens": 64, "cache.policy": variant }, spec: { variant, repeat },
});
const samples = (ms: number): RunSamples => ({
  tokenTimesS: Array.from({ length: 64 }, (_, i) => (ms + (i % 3) * 0.1) / 1e3),
  stats: { tokens: 64, requests: 512, app_hits: 128, expert_record_bytes: 3932160, read_bytes: 1.5e9, run_wall_s: 0.7, dense_wall_s: 0.1, wait_wall_s: 0.3 },
  layerStats: { names: ["requests"], rows: [[256], [256]] },
  outputHash: "0123456789abcdef",
  config: { "cache.policy": "lru", "io.threads": 4 },
});
const t = new Date("2026-01-01T00:00:00Z");

test("runs.csv parses back to the values in runs.jsonl", () => {
  const jsonl = join(dir, "runs.jsonl");
  const csv = join(dir, "runs.csv");
  appendRecord(jsonl, makeRecord({ experiment: "x", run: run("lru", 0), index: 0, count: 3, outcome: { status: "ok", samples: samples(10), abi: 1 }, context, startedAt: t, finishedAt: t }));
  appendRecord(jsonl, makeRecord({
    experiment: "x", run: run("none", 0), index: 1, count: 3, context, startedAt: t, finishedAt: t,
    outcome: { status: "failed", failure: { kind: "signal", signal: "SIGABRT", message: 'killed by SIGABRT, "quoted", with, commas\nand a newline' }, samples: null, abi: null },
  }));
  appendRecord(jsonl, makeRecord({ experiment: "x", run: run("lru", 1), index: 2, count: 3, outcome: { status: "ok", samples: samples(12), abi: 1 }, context, startedAt: t, finishedAt: t }));
  writeRunsCsv(jsonl, csv);

  const { records } = readRecords(jsonl);
  const rows = parse(readFileSync(csv), { columns: true }) as Record<string, string>[];
  expect(rows).toHaveLength(3);
  for (const [i, r] of records.entries()) {
    const row = rows[i]!;
    expect(row.run_id).toBe(r.run.id);
    expect(row.status).toBe(r.status);
    expect(row.git_dirty).toBe("true");
    if (r.derived) {
      expect(Number(row.tok_s)).toBe(r.derived.tokS!);
      expect(Number(row.p50_token_ms)).toBe(r.derived.p50TokenMs!);
      expect(Number(row.p99_token_ms)).toBe(r.derived.p99TokenMs!);
      expect(Number(row.read_gbps)).toBe(r.derived.readGbps!);
      expect(Number(row.wait_wall_ms_per_token)).toBe(r.derived.stageWallMsPerToken.wait);
      expect(Number(row["stat.expert_record_bytes"])).toBe(3932160);
      expect(row["config.io.threads"]).toBe("4");
      expect(row.plateaued).toBe(String(r.derived.steady.plateaued));
    } else {
      expect(row.tok_s).toBe("");
      expect(row.failure_signal).toBe("SIGABRT");
      expect(row.failure_message).toBe(r.failure!.message);
    }
  }
  // the derived numbers are the ones the samples imply, not copies of themselves
  expect(Number(rows[0]!.read_gbps)).toBeCloseTo(1.5e9 / 0.7 / 1e9, 12);
  expect(Number(rows[0]!.tok_s)).toBeGreaterThan(Number(rows[2]!.tok_s));
});

test("a torn last line is cut off before the next append", () => {
  const jsonl = join(dir, "torn.jsonl");
  appendRecord(jsonl, makeRecord({ experiment: "x", run: run("lru", 0), index: 0, count: 2, outcome: { status: "ok", samples: samples(10), abi: 1 }, context, startedAt: t, finishedAt: t }));
  const whole = readFileSync(jsonl);
  appendFileSync(jsonl, '{"schema":1,"experiment":"x","run":{"id"'); // a write killed half-way
  expect(readRecords(jsonl)).toMatchObject({ tornBytes: 40 });
  expect(repairTail(jsonl)).toBe(40);
  expect(readFileSync(jsonl).equals(whole)).toBe(true);
  appendRecord(jsonl, makeRecord({ experiment: "x", run: run("lru", 1), index: 1, count: 2, outcome: { status: "ok", samples: samples(10), abi: 1 }, context, startedAt: t, finishedAt: t }));
  expect(readRecords(jsonl).records.map((r) => r.run.id)).toEqual(["lru#0", "lru#1"]);
});

test("a broken line in the middle is an error naming the line", () => {
  const jsonl = join(dir, "broken.jsonl");
  appendFileSync(jsonl, "{not json}\n{}\n");
  expect(() => readRecords(jsonl)).toThrow(/broken\.jsonl:1: not a JSON record/);
});
