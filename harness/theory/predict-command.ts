// What `bun run predict` does, apart from argument parsing: plan an experiment file, predict
// every configuration's tok/s from its workload, the simulator and a machine profile, print the
// predictions and, given a result directory, store them there for its report.

import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Geometry } from "../../ffi/index.ts";
import type { Registry } from "../engine/registry.ts";
import type { Plan } from "../experiment/plan.ts";
import { formatDiagnostic } from "../experiment/diagnostic.ts";
import { findExperimentFile } from "../experiment/find-file.ts";
import { planExperiment } from "../experiment/plan-experiment.ts";
import { readProfile } from "../probe/machine-profile.ts";
import { simulateSection, type SimulateSection } from "../sim/simulate-section.ts";
import { predictPlan, PREDICTIONS_FILE, type Simulate, type StoredPredictions } from "./predict-plan.ts";
import { flashMoeStatedDense, M3_MAX_PROFILE, m3MaxProfile } from "./flash-moe-observation.ts";

export interface PredictIO {
  root: string;
  cwd: string;
  registry: () => Registry;
  geometryOf: (preset: string) => Geometry;
  simulate: Simulate;
  profilePath: string;
  into?: string;                 // a result directory to store predictions.json in
  paperMachine?: boolean;        // predict the full model on Flash-MoE's M3 Max instead
  out: (line: string) => void;
  err: (line: string) => void;
}

const tok = (x: number | null) => (x === null ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(2));

export function predictionTable(p: StoredPredictions): string[] {
  const w = Math.max(13, ...p.predictions.map((x) => x.config.length));
  const lines = [`${"configuration".padEnd(w)}  tok/s    app / page cache / device`];
  for (const x of p.predictions) {
    const t = x.traffic;
    const share = (v: number) => (t.requested > 0 ? `${((100 * v) / t.requested).toFixed(1)} %` : "–");
    const why = x.tokS === null ? `  (no prediction: ${x.missing.join("; ")})` : "";
    lines.push(`${x.config.padEnd(w)}  ${tok(x.tokS).padStart(7)}  ${share(t.appCache)} / ${share(t.pageCache)} / ${share(t.device)}${why}${x.notes.length ? `  [${x.notes.join("; ")}]` : ""}`);
  }
  return lines;
}

/** Returns the exit code. */
export async function predictCommand(arg: string, io: PredictIO): Promise<number> {
  const found = findExperimentFile(arg, io.cwd, io.root);
  if (!found.ok) {
    io.err(found.message);
    return 2;
  }
  const reg = io.registry();
  const shown = path.relative(io.cwd, found.file) || found.file;
  const planned = planExperiment(readFileSync(found.file, "utf8"), found.file, reg, existsSync);
  if (!planned.ok) {
    for (const d of planned.diagnostics) io.err(formatDiagnostic({ ...d, file: shown }));
    return 1;
  }
  if (io.paperMachine) {
    const { stored, lines } = await paperMachinePredictions(planned.plan, reg, io);
    for (const line of lines) io.out(line);
    return storeAndExit(stored, io);
  }
  const profile = readProfile(io.profilePath);
  if (!profile) io.err(`predict: no machine profile at ${io.profilePath} (run \`bun run probe\`): nothing can be predicted`);
  const section = planned.plan.simulate ?? (simulateSection(reg).parse({}) as SimulateSection);
  const stored = await predictPlan(planned.plan, { profile, section, policies: reg.policies, geometryOf: io.geometryOf, simulate: io.simulate });
  for (const line of predictionTable(stored)) io.out(line);
  return storeAndExit(stored, io);
}

/** Every configuration of a plan predicted for Flash-MoE's own machine — the full model on the
 * M3 Max profile with the paper's dense time and Metal expert kernels — and the lines that show
 * them (a heading, then the prediction table). */
export async function paperMachinePredictions(plan: Plan, reg: Registry, io: Pick<PredictIO, "root" | "geometryOf" | "simulate">): Promise<{ stored: StoredPredictions; lines: string[] }> {
  const section = plan.simulate ?? (simulateSection(reg).parse({}) as SimulateSection);
  const stored = await predictPlan(plan, {
    profile: m3MaxProfile(), section, policies: reg.policies, geometryOf: io.geometryOf, simulate: io.simulate,
    statedDense: flashMoeStatedDense(), asMachine: { backend: "metal", computeThreads: 1, fullModel: true },
  });
  const heading = `Full model (all of the preset's layers) on ${path.relative(io.root, M3_MAX_PROFILE)}, the paper's dense time per layer, Metal expert kernels:`;
  return { stored, lines: [heading, ...predictionTable(stored)] };
}

function storeAndExit(stored: StoredPredictions, io: PredictIO): number {
  if (io.into) {
    const file = path.join(io.into, PREDICTIONS_FILE);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(stored, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    io.out(`wrote ${path.relative(io.cwd, file) || file}`);
  }
  return stored.predictions.some((x) => x.tokS !== null) ? 0 : 3;
}
