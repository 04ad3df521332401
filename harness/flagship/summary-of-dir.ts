// The published-comparison summary of a stored result directory, from its files alone (runs,
// sweep manifest, profile snapshot, an optional paper-machine prediction), written beside the
// report as summary.txt. Re-rendering never re-measures.

import { signedPercent } from "../util/signed-percent.ts";
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { readRecords } from "../results/runs-file.ts";
import { readSweepManifest, RUNS_JSONL } from "../results/results-dir.ts";
import { PROFILE_SNAPSHOT } from "../probe/ensure-probe.ts";
import type { MachineProfile } from "../probe/machine-profile.ts";
import { summarize } from "../report/summarize.ts";
import { compareRuns } from "../compare/compare-runs.ts";
import { FLASH_MOE_NOTES } from "./flash-moe-notes.ts";
import { publishedSummary } from "./published-summary.ts";

export const SUMMARY_FILE = "summary.txt";
export const PAPER_MACHINE_FILE = "paper-machine.txt";   // `bun run predict FILE --paper-machine` output

/** `resultsRoot`: where to look for a related experiment's newest result set; `publishedRoot`:
 * the published collection to fall back on (null: none). */
export function summaryOfDir(dir: string, resultsRoot?: string, publishedRoot: string | null = PUBLISHED_ROOT): string[] {
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
    related: relatedLines(manifest?.experiment ?? "", dir, resultsRoot, publishedRoot),
  });
}

const isSet = (d: string) => existsSync(join(d, RUNS_JSONL));

/** The published collection shipped with the repository (results/flash-moe/). */
export const PUBLISHED_ROOT = join(import.meta.dir, "..", "..", "results", "flash-moe");

/** The result set of a related experiment that belongs with `dir`: its sibling of that name (a
 * published collection such as results/flash-moe/), else the newest set under the results root,
 * else (`published: true`) the set published with the repository, measured on another machine. */
export function findRelatedSet(experiment: string, dir: string, resultsRoot?: string, publishedRoot: string | null = PUBLISHED_ROOT): { dir: string; published: boolean } | null {
  const sibling = join(dirname(dir), experiment);
  if (basename(dir) !== experiment && isSet(sibling)) return { dir: sibling, published: false };
  const base = resultsRoot ? join(resultsRoot, experiment) : null;
  const sets = base && existsSync(base) && statSync(base).isDirectory() ? readdirSync(base).map((d) => join(base, d)).filter(isSet).sort() : [];
  if (sets.length) return { dir: sets.at(-1)!, published: false };
  const shipped = publishedRoot ? join(publishedRoot, experiment) : null;
  return shipped && isSet(shipped) ? { dir: shipped, published: true } : null;
}


/** The related experiment's comparisons, one line each, or how to measure them. */
function relatedLines(experiment: string, dir: string, resultsRoot?: string, publishedRoot?: string | null): string[] | undefined {
  const rel = FLASH_MOE_NOTES[experiment]?.related;
  if (!rel) return undefined;
  const found = findRelatedSet(rel.experiment, dir, resultsRoot, publishedRoot);
  const measure = `\`bun run experiment ${rel.experiment}.yaml\` measures it`;
  if (!found) return [`Related (${rel.why}): not measured yet; ${measure}.`];
  const { records } = readRecords(join(found.dir, RUNS_JSONL));
  const compare = readSweepManifest(found.dir)?.compare ?? [];
  const started = records.map((r) => r.startedAt).filter(Boolean).sort()[0];
  const where = found.published ? "the published result set" : "result set";
  const lines = [`Related: ${rel.experiment} (${rel.why}), ${where} ${relative(dir, found.dir)}${started ? ` started ${started.slice(0, 16).replace("T", " ")} UTC` : ""}:`];
  if (found.published) lines.push(`  (measured on the machine its README describes, not on this one; ${measure} here)`);
  for (const r of compareRuns(records, compare)) {
    const change = r.ratio.change === null ? "no paired repeats"
      : `${signedPercent(r.ratio.change)}${r.ratio.ci ? ` [${signedPercent(r.ratio.ci.low)}, ${signedPercent(r.ratio.ci.high)}]` : ""}`;
    lines.push(`  ${r.comparison.b} vs ${r.comparison.a}: ${change}, ${r.ratio.pairs.length} pairs, verdict ${r.verdict.verdict}`);
  }
  return lines;
}

/** Writes summary.txt into `dir` and returns its lines. */
export function writeSummary(dir: string, resultsRoot?: string): string[] {
  const lines = summaryOfDir(dir, resultsRoot);
  const file = join(dir, SUMMARY_FILE);
  writeFileSync(`${file}.tmp`, `${lines.join("\n")}\n`);
  renameSync(`${file}.tmp`, file);
  return lines;
}
