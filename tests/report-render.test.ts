// The report is a pure function of a result directory: medians, intervals and the I/O ceiling
// in report.md follow the stored records and profile snapshot; re-rendering changes nothing.

import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openResultsDir } from "../harness/results/results-dir.ts";
import { appendRecord, readRecords } from "../harness/results/runs-file.ts";
import { makeRecord } from "../harness/results/make-record.ts";
import { machineContext } from "../harness/results/machine-context.ts";
import { renderReport } from "../harness/report/render-report.ts";
import { summarize } from "../harness/report/summarize.ts";
import { PROFILE_SNAPSHOT } from "../harness/probe/ensure-probe.ts";
import type { MachineProfile } from "../harness/probe/machine-profile.ts";
import type { RunSamples } from "../harness/results/run-record.ts";

const root = mkdtempSync(join(tmpdir(), "tierbench-report-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RECORD = 3932160;
const samples = (tokenMs: number): RunSamples => ({
  tokenTimesS: Array.from({ length: 100 }, () => tokenMs / 1e3),
  stats: { tokens: 100, requests: 1600, app_hits: 400, expert_record_bytes: RECORD, read_bytes: 4.7e9, run_wall_s: tokenMs / 10, dense_wall_s: 0.02 * tokenMs, wait_wall_s: 0.05 * tokenMs, expert_wall_s: 0.03 * tokenMs },
  layerStats: { names: [], rows: [] },
  outputHash: "00000000000000aa",
  config: {},
});

test("report.md states the measured medians and the ceiling, and re-renders identically", async () => {
  const { dir } = openResultsDir({ root, manifest: { experiment: "demo", planHash: "p", specHashes: ["1", "2", "3", "4", "5"] } });
  const context = { git: { revision: "0123456789abcdef", dirty: false }, engineAbi: 1, bun: Bun.version, machine: machineContext(dir) };
  const t = new Date("2026-01-01T00:00:00Z");
  const runs = [["lru", 0, 20], ["none", 0, 10], ["lru", 1, 25], ["none", 1, 12.5]] as const;
  for (const [i, [variant, repeat, ms]] of runs.entries())
    appendRecord(join(dir, "runs.jsonl"), makeRecord({
      experiment: "demo", index: i, count: 5, context, startedAt: t, finishedAt: t,
      run: { id: `${variant}#${repeat}`, variant, repeat, warmupTokens: 10, engine: {}, spec: {} },
      outcome: { status: "ok", samples: samples(ms), abi: 1 },
    }));
  appendRecord(join(dir, "runs.jsonl"), makeRecord({
    experiment: "demo", index: 4, count: 5, context, startedAt: t, finishedAt: t,
    run: { id: "none#2", variant: "none", repeat: 2, warmupTokens: 10, engine: {}, spec: {} },
    outcome: { status: "failed", failure: { kind: "signal", signal: "SIGKILL", message: "killed by SIGKILL after 7 tokens" }, samples: null, abi: null },
  }));
  const profile: MachineProfile = {
    version: 1, machine: context.machine,
    measurements: [{ what: "device_read", params: { recordBytes: RECORD, parallelism: 4, mode: "direct" }, value: 2.5, unit: "GB/s", samples: [2.5], tool: "tierbench quick probe", measuredAt: "" }],
  };
  writeFileSync(join(dir, PROFILE_SNAPSHOT), JSON.stringify(profile));

  const { report, charts } = await renderReport(dir);
  const md = readFileSync(report, "utf8");
  // lru: 50 and 40 tok/s → median 45; none: 100 and 80 → 90. 16 routed records of 3.93 MB per
  // token at 2.5 GB/s → ceiling 2.5e9 / (16 · 3932160) = 39.74 tok/s.
  expect(md).toContain("| lru | 2/2 | 45.00 [40.00–50.00] |");
  expect(md).toContain("| none | 2/3 | 90.00 [80.00–100.00] |");
  expect(md).toContain("| 39.74 | 113.2 % |"); // lru: 45 / 39.74
  expect(md).toContain("(62.91 MB) at the probed device read bandwidth, 2.50 GB/s (direct, 4 in flight");
  expect(md).toContain("none: run none#2 failed (signal): killed by SIGKILL after 7 tokens");
  expect(md).toContain("lru: faster than the I/O ceiling");
  expect(md).toContain("5 of 5 runs recorded between 2026-01-01T00:00:00.000Z and 2026-01-01T00:00:00.000Z, 1 failed.");
  expect(md).toMatch(/lru: tok\/s spread 22\.2 % between repeats/);
  expect(md).toContain("](charts/tok-s.png)");
  expect(md).toContain("](charts/stages.png)");
  for (const c of charts) expect(readFileSync(c).subarray(1, 4).toString()).toBe("PNG");

  const again = await renderReport(dir);
  expect(readFileSync(again.report, "utf8")).toBe(md);
  expect(existsSync(join(dir, "report.md.tmp"))).toBe(false);

  // the summary agrees with the table it produced
  const s = summarize(readRecords(join(dir, "runs.jsonl")).records, profile);
  expect(s.variants.map((v) => [v.variant, v.ok, v.failures.length])).toEqual([["lru", 2, 0], ["none", 2, 1]]);
  expect(s.variants[0]!.tokS!.median).toBeCloseTo(45, 9);
  expect(s.variants[1]!.tokS!.median).toBeCloseTo(90, 9);
  expect(s.variants[0]!.ioCeilingTokS).toBeCloseTo(2.5e9 / (16 * RECORD), 9);
  expect(s.variants[0]!.stageMsPerToken?.wait).toBeCloseTo(((0.05 * 22.5) / 100) * 1e3, 9); // median of 20 and 25 ms runs
}, 60_000); // two renders of the full chart set: slow on a loaded two-core machine

test("a directory without runs.jsonl is refused with its name", async () => {
  await expect(renderReport(root)).rejects.toThrow(`${root}: no runs.jsonl here`);
});
