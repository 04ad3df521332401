// The what-if on Flash-MoE's own machine, written beside a result set as paper-machine.txt:
// every configuration predicted for the full model on the M3 Max profile (simulator hit rates,
// the paper's dense time; nothing measured here enters), and each comparison's predicted change.

import { signedPercent } from "../util/signed-percent.ts";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Comparison } from "../experiment/schema.ts";
import type { Plan } from "../experiment/plan.ts";
import type { Registry } from "../engine/registry.ts";
import type { StoredPredictions } from "../theory/predict-plan.ts";
import { paperMachinePredictions, type PredictIO } from "../theory/predict-command.ts";
import { PAPER_MACHINE_FILE } from "./summary-of-dir.ts";


/** One line per comparison: b against a as the predictions have them, beside the published figure. */
export function predictedChanges(stored: StoredPredictions, compare: readonly Comparison[]): string[] {
  const tok = (config: string) => stored.predictions.find((p) => p.config === config)?.tokS ?? null;
  return compare.flatMap((c) => {
    const a = tok(c.a);
    const b = tok(c.b);
    if (a === null || b === null || !(a > 0)) return [`${c.b} vs ${c.a}: no prediction (${[a, b].some((x) => x === null) ? "a configuration could not be predicted" : "zero tok/s"})`];
    return [`${c.b} vs ${c.a}: ${signedPercent(b / a - 1)} predicted; published ${c.published.text}`];
  });
}

export async function writePaperMachine(plan: Plan, dir: string, reg: Registry, io: Pick<PredictIO, "root" | "geometryOf" | "simulate">): Promise<string[]> {
  const { stored, lines } = await paperMachinePredictions(plan, reg, io);
  const all = [...lines, ...predictedChanges(stored, plan.compare)];
  const file = join(dir, PAPER_MACHINE_FILE);
  writeFileSync(`${file}.tmp`, `${all.join("\n")}\n`);
  renameSync(`${file}.tmp`, file);
  return all;
}
