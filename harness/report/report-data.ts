// Everything a report is drawn from, in one value: the stored records, the profile snapshot,
// per-variant summaries, the theory's analyses and the newest simulation stored beside the
// result set. Both report formats are pure functions of this; only loadReportData reads files.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readRecords } from "../results/runs-file.ts";
import { readSweepManifest, RUNS_JSONL, type SweepManifest } from "../results/results-dir.ts";
import type { RunRecord } from "../results/run-record.ts";
import { PROFILE_SNAPSHOT } from "../probe/ensure-probe.ts";
import type { MachineProfile } from "../probe/machine-profile.ts";
import { analyseResults, type VariantAnalysis } from "../theory/variant-analysis.ts";
import { presetDenseBits } from "../theory/preset-dense-bits.ts";
import type { SimulationRecord } from "../sim/sim-output.ts";
import { summarize, type ResultSummary } from "./summarize.ts";

export interface StoredSimulation {
  dir: string;                 // relative to the result set: ../simulate-<stamp>
  record: SimulationRecord;
}

export interface ReportData {
  dir: string;
  records: RunRecord[];
  profile: MachineProfile | null;
  manifest: SweepManifest | null;
  summary: ResultSummary;
  analyses: VariantAnalysis[];
  simulation: StoredSimulation | null;
}

export function reportData(o: Omit<ReportData, "summary" | "analyses">): ReportData {
  const summary = summarize(o.records, o.profile);
  if (!summary.experiment) summary.experiment = o.manifest?.experiment ?? o.dir;
  return { ...o, summary, analyses: analyseResults(o.records, o.profile, presetDenseBits) };
}

/** The newest `bun run simulate` output of the same experiment (a sibling simulate-* folder). */
function newestSimulation(dir: string): StoredSimulation | null {
  const parent = dirname(dir);
  const sims = existsSync(parent) ? readdirSync(parent).filter((d) => d.startsWith("simulate-")).sort().reverse() : [];
  for (const d of sims) {
    const file = join(parent, d, "simulation.json");
    if (!existsSync(file)) continue;
    try {
      const record = JSON.parse(readFileSync(file, "utf8")) as SimulationRecord;
      if (record.kind === "simulation" && record.schema === 1 && Array.isArray(record.groups)) return { dir: `../${d}`, record };
    } catch {
      // a torn or foreign file: look further back
    }
  }
  return null;
}

export function loadReportData(dir: string): ReportData {
  const jsonl = join(dir, RUNS_JSONL);
  if (!existsSync(jsonl)) throw new Error(`${dir}: no ${RUNS_JSONL} here — not a result directory`);
  const snapshot = join(dir, PROFILE_SNAPSHOT);
  return reportData({
    dir,
    records: readRecords(jsonl).records,
    profile: existsSync(snapshot) ? (JSON.parse(readFileSync(snapshot, "utf8")) as MachineProfile) : null,
    manifest: readSweepManifest(dir),
    simulation: newestSimulation(dir),
  });
}
