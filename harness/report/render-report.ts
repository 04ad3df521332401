// Renders a result directory's report from what is stored there alone — runs.jsonl, sweep.json
// and the profile snapshot — into charts/*.png and report.md. Re-rendering never re-measures.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readRecords } from "../results/runs-file.ts";
import { readSweepManifest, RUNS_JSONL } from "../results/results-dir.ts";
import { PROFILE_SNAPSHOT } from "../probe/ensure-probe.ts";
import type { MachineProfile } from "../probe/machine-profile.ts";
import { reportCharts } from "../charts/chart-configs.ts";
import { renderPng } from "../charts/render-png.ts";
import { summarize, type ResultSummary } from "./summarize.ts";
import { reportMarkdown } from "./report-markdown.ts";
import { bottleneckSections } from "../theory/bottleneck-sections.ts";
import { presetDenseBits } from "../theory/preset-dense-bits.ts";
import { readPredictions } from "../theory/predict-plan.ts";
import { engineRankingSection } from "./engine-ranking.ts";

export const REPORT_FILE = "report.md";

function writeAtomic(path: string, data: string | Buffer) {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

export async function renderReport(dir: string): Promise<{ report: string; charts: string[]; summary: ResultSummary }> {
  const jsonl = join(dir, RUNS_JSONL);
  if (!existsSync(jsonl)) throw new Error(`${dir}: no ${RUNS_JSONL} here — not a result directory`);
  const { records } = readRecords(jsonl);
  const snapshot = join(dir, PROFILE_SNAPSHOT);
  const profile = existsSync(snapshot) ? (JSON.parse(readFileSync(snapshot, "utf8")) as MachineProfile) : null;
  const summary = summarize(records, profile);
  if (!summary.experiment) summary.experiment = readSweepManifest(dir)?.experiment ?? dir;

  const charts = reportCharts(summary);
  mkdirSync(join(dir, "charts"), { recursive: true });
  const written: string[] = [];
  for (const c of charts) {
    const path = join(dir, "charts", `${c.id}.png`);
    writeAtomic(path, (await renderPng(c.config)).png);
    written.push(path);
  }
  const report = join(dir, REPORT_FILE);
  const probe = (profile?.measurements ?? []).filter((m) => m.what === "device_read");
  const planned = readSweepManifest(dir)?.specHashes.length ?? null;
  const sections = [
    ...engineRankingSection(records),
    ...bottleneckSections({ records, profile, compare: readSweepManifest(dir)?.compare ?? [], denseBitsOf: presetDenseBits, predictions: readPredictions(dir) }),
  ];
  writeAtomic(report, reportMarkdown({ dir, summary, records, planned, charts, probe, sections }));
  return { report, charts: written, summary };
}
