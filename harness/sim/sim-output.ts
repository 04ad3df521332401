// Writing a simulation's results: results/<experiment>/simulate-<UTC timestamp>/ with
// simulation.json (self-describing: schema, git revision, engine ABI, the section, every
// group's settings and raw cells), simulation.csv (one row per cell, units in column names)
// and one PNG per miss-ratio chart. Files are written whole, then renamed.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import { renderPng } from "../charts/render-png.ts";
import type { GitRevision } from "../results/git-revision.ts";
import type { SimGroup } from "./sim-groups.ts";
import type { SimResult } from "./sim-binding.ts";
import { mrcCharts } from "./mrc-chart.ts";
import type { SimRow } from "./sim-rows.ts";
import type { SimulateSection } from "./simulate-section.ts";

export interface SimulationRecord {
  schema: 1;
  kind: "simulation";
  experiment: string;
  file: string;
  createdAt: string;             // ISO 8601
  git: GitRevision;
  engineAbi: number;
  section: SimulateSection;
  groups: { group: SimGroup; result: SimResult; readahead?: { bytes: number; basis: string } }[];
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

function writeAtomic(file: string, data: string | Buffer): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}

/** A fresh directory for this simulation under resultsRoot/<experiment>/. */
export function simulationDir(resultsRoot: string, experiment: string, now: Date): string {
  const base = join(resultsRoot, experiment.replace(/[^\w.-]+/g, "_"));
  let dir = join(base, `simulate-${stamp(now)}`);
  for (let n = 2; ; n++) {
    try {
      mkdirSync(dir, { recursive: false });
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") mkdirSync(base, { recursive: true });
      else if ((e as NodeJS.ErrnoException).code === "EEXIST") dir = join(base, `simulate-${stamp(now)}-${n}`);
      else throw e;
    }
  }
}

/** Writes every file; returns their paths. */
export async function writeSimulation(dir: string, record: SimulationRecord, rows: SimRow[][]): Promise<string[]> {
  const files = [join(dir, "simulation.json"), join(dir, "simulation.csv")];
  writeAtomic(files[0]!, `${JSON.stringify(record, null, 2)}\n`);
  writeAtomic(files[1]!, stringify(rows.flat(), { header: true }));
  for (const [i, { group }] of record.groups.entries())
    for (const chart of mrcCharts(group, rows[i]!)) {
      const file = join(dir, `${chart.id}.png`);
      writeAtomic(file, (await renderPng(chart.config, { width: 900, height: 500 })).png);
      files.push(file);
    }
  return files;
}
