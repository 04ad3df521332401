// The published-comparison summary of a stored result directory, from its files alone (runs,
// sweep manifest, profile snapshot, an optional paper-machine prediction), written beside the
// report as summary.txt. Re-rendering never re-measures.

import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readRecords } from "../results/runs-file.ts";
import { readSweepManifest, RUNS_JSONL } from "../results/results-dir.ts";
import { PROFILE_SNAPSHOT } from "../probe/ensure-probe.ts";
import type { MachineProfile } from "../probe/machine-profile.ts";
import { summarize } from "../report/summarize.ts";
import { publishedSummary } from "./published-summary.ts";

export const SUMMARY_FILE = "summary.txt";
export const PAPER_MACHINE_FILE = "paper-machine.txt";   // `bun run predict FILE --paper-machine` output

export function summaryOfDir(dir: string): string[] {
  const { records } = readRecords(join(dir, RUNS_JSONL));
  const manifest = readSweepManifest(dir);
  const snapshot = join(dir, PROFILE_SNAPSHOT);
  const profile = existsSync(snapshot) ? (JSON.parse(readFileSync(snapshot, "utf8")) as MachineProfile) : null;
  const ceilings = new Map(summarize(records, profile).variants.flatMap((v) => (v.ioCeilingTokS ? [[v.variant, v.ioCeilingTokS] as const] : [])));
  const paper = join(dir, PAPER_MACHINE_FILE);
  return publishedSummary({
    experiment: manifest?.experiment ?? records[0]?.experiment ?? dir,
    records,
    compare: manifest?.compare ?? [],
    ioCeilingTokS: ceilings,
    paperMachine: existsSync(paper) ? readFileSync(paper, "utf8").trimEnd().split("\n") : undefined,
  });
}

/** Writes summary.txt into `dir` and returns its lines. */
export function writeSummary(dir: string): string[] {
  const lines = summaryOfDir(dir);
  const file = join(dir, SUMMARY_FILE);
  writeFileSync(`${file}.tmp`, `${lines.join("\n")}\n`);
  renameSync(`${file}.tmp`, file);
  return lines;
}
