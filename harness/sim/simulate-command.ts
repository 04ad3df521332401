// What `bun run simulate` does, apart from argument parsing: find and plan the experiment file
// (same validation as `bun run experiment`), turn it into simulations, run each through the
// engine's simulator, print hit-rate tables and write JSON, CSV and miss-ratio charts.
// Returns the exit code.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Registry } from "../engine/registry.ts";
import { formatDiagnostic } from "../experiment/diagnostic.ts";
import { findExperimentFile } from "../experiment/find-file.ts";
import { planExperiment } from "../experiment/plan-experiment.ts";
import { defaultProfilePath, readProfile, type MachineProfile } from "../probe/machine-profile.ts";
import { gitRevision } from "../results/git-revision.ts";
import { machineRates } from "../theory/profile-rates.ts";
import { readaheadForEngine } from "../theory/readahead.ts";
import { simulate } from "./sim-binding.ts";
import { simGroups } from "./sim-groups.ts";
import { simulationDir, writeSimulation, type SimulationRecord } from "./sim-output.ts";
import { simRows, type SimRow } from "./sim-rows.ts";
import { renderSimTable } from "./sim-table.ts";
import { enginePolicies, simulateSection, type SimulateSection } from "./simulate-section.ts";

export const DEFAULT_EXPERIMENT = "cache-policies.yaml";
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
export const EXIT_FAILED = 3;
export const EXIT_INTERRUPTED = 130;

export interface SimulateIO {
  root: string;                   // repository root
  cwd: string;                    // where the command was typed
  resultsRoot: string;            // results/ (or $TIERBENCH_RESULTS)
  registry: () => Registry;
  engineAbi: () => number;
  threads?: number;               // overrides the section's
  signal?: AbortSignal;           // aborts the simulation in progress
  out: (line: string) => void;
  err: (line: string) => void;
  progress?: (group: string, fraction: number) => void;
  now?: () => Date;
  /** The machine profile behind simulate.readahead auto (default: this machine's, if probed). */
  profile?: () => MachineProfile | null;
}

function defaultProfile(root: string): MachineProfile | null {
  try {
    return readProfile(defaultProfilePath(root));
  } catch {
    return null;   // another profile version: auto readahead falls back to none
  }
}

export async function simulateCommand(arg: string | undefined, io: SimulateIO): Promise<number> {
  const found = findExperimentFile(arg ?? DEFAULT_EXPERIMENT, io.cwd, io.root);
  if (!found.ok) {
    io.err(found.message);
    return EXIT_USAGE;
  }
  const shown = path.relative(io.cwd, found.file) || found.file;
  const reg = io.registry();
  const planned = planExperiment(readFileSync(found.file, "utf8"), found.file, reg, existsSync);
  if (!planned.ok) {
    for (const d of planned.diagnostics) io.err(formatDiagnostic({ ...d, file: shown }));
    io.err(`${shown}: ${planned.diagnostics.length} error(s); nothing was simulated`);
    return EXIT_INVALID;
  }
  const plan = planned.plan;
  const section: SimulateSection = plan.simulate ?? (simulateSection(reg).parse({}) as SimulateSection);
  if (io.threads !== undefined) section.threads = io.threads;
  const groups = simGroups(plan, section, enginePolicies(reg));
  const rates = machineRates(io.profile ? io.profile() : defaultProfile(io.root));

  const record: SimulationRecord = {
    schema: 1, kind: "simulation", experiment: plan.name, file: found.file, createdAt: (io.now?.() ?? new Date()).toISOString(),
    git: gitRevision(io.root), engineAbi: io.engineAbi(), section, groups: [],
  };
  const rows: SimRow[][] = [];
  for (const g of groups) {
    // A group's configurations share io.fadvise and io.direct; the first one's engine and reads
    // in flight stand for all of them (predictions resolve readahead per configuration).
    const k = plan.runs.find((r) => r.config === g.configs[0])!.workload.k;
    const readahead = readaheadForEngine(section.readahead, g.engine, { recordBytes: g.recordBytes, k }, rates);
    const spec = {
      cells: g.cells, warmup: g.warmup, threads: section.threads,
      pagecache: { model: section.pagecache, bytes: g.pageCacheBytes, readahead_bytes: readahead.bytes,
                   active_fraction: section.active_fraction },
    };
    try {
      const result = await simulate(g.engine, spec, { signal: io.signal, onProgress: (f) => io.progress?.(g.id, f) });
      record.groups.push({ group: g, result, readahead });
      rows.push(simRows(g, result));
      io.out(`${renderSimTable(g, rows.at(-1)!, result.tokens)}\n`);
    } catch (e) {
      if (io.signal?.aborted) {
        io.err("simulate: interrupted; nothing was written");
        return EXIT_INTERRUPTED;
      }
      io.err(`simulate: ${g.id} (${g.configs.join(", ")}): ${(e as Error).message}`);
      return EXIT_FAILED;
    }
  }
  const dir = simulationDir(io.resultsRoot, plan.name, new Date(record.createdAt));
  const files = await writeSimulation(dir, record, rows);
  io.out(`wrote ${files.map((f) => path.relative(io.cwd, f)).join(", ")}`);
  return 0;
}
