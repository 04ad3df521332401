// Renders a result directory's report from what is stored there alone — runs.jsonl, sweep.json,
// the profile snapshot and the simulation beside it — into charts/*.png, report.md and
// report.html. Re-rendering never re-measures.

import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chartSet, reportCharts, type ChartSpec } from "../charts/chart-configs.ts";
import { DEFAULT_SIZE } from "../charts/chart-group.ts";
import { renderPng } from "../charts/render-png.ts";
import type { ResultSummary } from "./summarize.ts";
import { reportMarkdown } from "./report-markdown.ts";
import { loadReportData } from "./report-data.ts";
import { reportHtml } from "./html/report-html.ts";
import { chartJsSource } from "./html/chart-js-source.ts";
import { bottleneckSections } from "../theory/bottleneck-sections.ts";
import { presetDenseBits } from "../theory/preset-dense-bits.ts";
import { readPredictions } from "../theory/predict-plan.ts";
import { sweepStartReads } from "../theory/stored-inputs.ts";
import { engineRankingSection } from "./engine-ranking.ts";
import { environmentSections } from "../budget/environment-section.ts";
import { relatedSection } from "./related-section.ts";
import { resultsRoot } from "../results/results-dir.ts";


export const REPORT_FILE = "report.md";
export const REPORT_HTML = "report.html";

function writeAtomic(path: string, data: string | Buffer) {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

export async function renderReport(dir: string): Promise<{ report: string; html: string; charts: string[]; summary: ResultSummary }> {
  const data = loadReportData(dir);
  const { summary, records, profile, manifest } = data;

  const charts = reportCharts(summary);
  const groups = chartSet(data);
  mkdirSync(join(dir, "charts"), { recursive: true });
  const written: string[] = [];
  // the stage chart is both in the stage table's place and in the set: drawn once
  const all = [...new Map([...charts, ...groups.flatMap((g) => g.charts)].map((c) => [c.id, c] as const)).values()] as ChartSpec[];
  for (const c of all) {
    const path = join(dir, "charts", `${c.id}.png`);
    writeAtomic(path, (await renderPng(c.config, c.size ?? DEFAULT_SIZE)).png);
    written.push(path);
  }
  const report = join(dir, REPORT_FILE);
  const probe = (profile?.measurements ?? []).filter((m) => m.what === "device_read");
  const planned = manifest?.specHashes.length ?? null;
  const sections = [
    ...engineRankingSection(records),
    ...bottleneckSections({ records, profile, compare: manifest?.compare ?? [], denseBitsOf: presetDenseBits, predictions: readPredictions(dir), sweepStartReads: sweepStartReads(dir) }),
  ];
  sections.push(...environmentSections(dir, records)); // budgets, page cache, noise, drift (harness/budget)
  sections.push(...relatedSection(summary.experiment, dir, resultsRoot(join(import.meta.dir, "..", ".."))));
  // the stage chart already stands under the stage table
  const markdown = reportMarkdown({ dir, summary, records, planned, charts, probe, sections, groups: groups.filter((g) => g.id !== "stages") });
  writeAtomic(report, markdown);
  const html = join(dir, REPORT_HTML);
  writeAtomic(html, reportHtml({ title: `${summary.experiment} — tierbench report`, markdown, charts: all, chartJs: chartJsSource() }));
  return { report, html, charts: written, summary };
}
