// `bun run report <results dir>`: re-renders charts, report.md and report.html from stored results alone.
// Given results/<experiment>/ instead, it renders that experiment's newest result set.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { RUNS_JSONL } from "../results/results-dir.ts";
import { renderReport } from "../report/render-report.ts";

function resolveDir(arg: string): string {
  if (existsSync(join(arg, RUNS_JSONL))) return arg;
  const sets = existsSync(arg) ? readdirSync(arg).filter((d) => existsSync(join(arg, d, RUNS_JSONL))).sort() : [];
  if (sets.length === 0) throw new Error(`${arg}: neither a result directory (with ${RUNS_JSONL}) nor a folder of them`);
  return join(arg, sets.at(-1)!);
}

const arg = process.argv[2];
if (!arg || arg === "--help" || arg === "-h") {
  console.log("usage: bun run report <results/<experiment>/<set> | results/<experiment>>");
  process.exit(arg ? 0 : 2);
}
try {
  const { report, html, charts } = await renderReport(resolveDir(arg));
  console.log(`wrote ${report}, ${html} and ${charts.length} charts`);
} catch (err) {
  console.error(`report: ${(err as Error).message}`);
  process.exit(1);
}
