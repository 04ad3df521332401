// `bun run gap <results dir>`: the bottleneck report of a result set (ceilings, decomposition,
// verdicts, warnings, comparisons) from its stored results alone, printed as markdown.
// `bun run gap flash-moe [--write]`: the same for Flash-MoE's own published configuration.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readRecords } from "../results/runs-file.ts";
import { readSweepManifest, RUNS_JSONL } from "../results/results-dir.ts";
import { PROFILE_SNAPSHOT } from "../probe/ensure-probe.ts";
import type { MachineProfile } from "../probe/machine-profile.ts";
import { bottleneckSections } from "../theory/bottleneck-sections.ts";
import { FLASH_MOE_GAP_DOC, flashMoeGapReport } from "../theory/flash-moe-gap.ts";
import { presetDenseBits } from "../theory/preset-dense-bits.ts";
import { readPredictions } from "../theory/predict-plan.ts";
import { sweepStartReads } from "../theory/stored-inputs.ts";

function resolveDir(arg: string): string {
  if (existsSync(join(arg, RUNS_JSONL))) return arg;
  const sets = existsSync(arg) ? readdirSync(arg).filter((d) => existsSync(join(arg, d, RUNS_JSONL))).sort() : [];
  if (sets.length === 0) throw new Error(`${arg}: neither a result directory (with ${RUNS_JSONL}) nor a folder of them`);
  return join(arg, sets.at(-1)!);
}

const [arg, flag] = process.argv.slice(2);
if (!arg || arg === "--help" || arg === "-h") {
  console.log("usage: bun run gap <results/<experiment>/<set> | results/<experiment>>\n       bun run gap flash-moe [--write]   (--write: into docs/flash-moe-gap.md)");
  process.exit(arg ? 0 : 2);
}
try {
  if (arg === "flash-moe") {
    const text = flashMoeGapReport();
    if (flag === "--write") {
      writeFileSync(FLASH_MOE_GAP_DOC, text);
      console.log(`wrote ${FLASH_MOE_GAP_DOC}`);
    } else console.log(text);
  } else {
    const dir = resolveDir(arg);
    const snapshot = join(dir, PROFILE_SNAPSHOT);
    const profile = existsSync(snapshot) ? (JSON.parse(readFileSync(snapshot, "utf8")) as MachineProfile) : null;
    const { records } = readRecords(join(dir, RUNS_JSONL));
    const lines = bottleneckSections({ records, profile, compare: readSweepManifest(dir)?.compare ?? [], denseBitsOf: presetDenseBits, predictions: readPredictions(dir), sweepStartReads: sweepStartReads(dir) });
    console.log([`# ${readSweepManifest(dir)?.experiment ?? dir}: bottlenecks`, "", ...lines].join("\n"));
  }
} catch (err) {
  console.error(`gap: ${(err as Error).message}`);
  process.exit(1);
}
