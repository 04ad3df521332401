// Where a sweep's results live: results/<experiment>/<UTC timestamp>/, with sweep.json naming
// the plan it measures. Re-running the same plan resumes its newest directory; a changed plan
// or `fresh` starts a new one.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Comparison } from "../experiment/schema.ts";

export interface SweepManifest {
  schema: 1;
  experiment: string;
  planHash: string;       // hash of the ordered run spec hashes
  specHashes: string[];   // every run of the plan, in run order
  createdAt: string;      // ISO 8601
  source?: string;        // the experiment file
  compare?: Comparison[]; // the plan's `compare:` entries, so the report can judge them later
}

/** Where results go: $TIERBENCH_RESULTS, else results/ in the repository at `root`. */
export const resultsRoot = (root: string) => process.env.TIERBENCH_RESULTS || join(root, "results");

export const SWEEP_FILE = "sweep.json";
export const RUNS_JSONL = "runs.jsonl";
export const RUNS_CSV = "runs.csv";

export function readSweepManifest(dir: string): SweepManifest | null {
  const p = join(dir, SWEEP_FILE);
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, "utf8")) as SweepManifest;
  } catch {
    return null;
  }
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z"); // 20261129T210500Z

/** Finds the newest directory of this plan, or creates a new one (always new when `fresh`). */
export function openResultsDir(o: {
  root: string;
  manifest: Omit<SweepManifest, "schema" | "createdAt">;
  fresh?: boolean;
  now?: Date;
}): { dir: string; resumed: boolean } {
  const base = join(o.root, o.manifest.experiment.replace(/[^\w.-]+/g, "_"));
  if (!o.fresh && existsSync(base)) {
    const same = readdirSync(base)
      .sort()
      .reverse()
      .find((d) => readSweepManifest(join(base, d))?.planHash === o.manifest.planHash);
    if (same) return { dir: join(base, same), resumed: true };
  }
  const now = o.now ?? new Date();
  let dir = join(base, stamp(now));
  for (let n = 2; existsSync(dir); n++) dir = join(base, `${stamp(now)}-${n}`);
  mkdirSync(dir, { recursive: true });
  const manifest: SweepManifest = { schema: 1, createdAt: now.toISOString(), ...o.manifest };
  writeFileSync(join(dir, `${SWEEP_FILE}.tmp`), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(join(dir, `${SWEEP_FILE}.tmp`), join(dir, SWEEP_FILE));
  return { dir, resumed: false };
}
