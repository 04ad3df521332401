// `bun run summary <results dir | results/<experiment>>`: the published-comparison summary of a
// stored result set (tok/s with intervals, verdicts, mechanism), re-rendered into summary.txt.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { resultsRoot, RUNS_JSONL } from "../results/results-dir.ts";
import { writeSummary } from "../flagship/summary-of-dir.ts";

const arg = process.argv[2];
if (!arg || arg === "--help" || arg === "-h") {
  console.log("usage: bun run summary <results/<experiment>/<set> | results/<experiment>>");
  process.exit(arg ? 0 : 2);
}
const sets = existsSync(join(arg, RUNS_JSONL)) ? [arg]
  : existsSync(arg) ? readdirSync(arg).filter((d) => existsSync(join(arg, d, RUNS_JSONL))).sort().map((d) => join(arg, d)) : [];
if (sets.length === 0) {
  console.error(`${arg}: neither a result directory (with ${RUNS_JSONL}) nor a folder of them`);
  process.exit(2);
}
// A related experiment's newest set is looked for where `bun run experiment` writes them.
for (const line of writeSummary(sets.at(-1)!, resultsRoot(join(import.meta.dir, "..", "..")))) console.log(line);
