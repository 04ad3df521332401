// `bun run trace calibrate`: re-runs the calibration search against the published target through
// the engine's own generator, logs every evaluation (data/calibration/<preset>.search.jsonl) and
// rewrites the calibrated preset and its two brackets in workload-presets.json.

import { defineCommand } from "citty";
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { evaluateOver, measure, search, type Evaluation, type FixedParams, type WorkloadParams } from "../calibrate.ts";
import { presetKeys, TARGETS, type WorkloadPreset } from "../workload-presets.ts";
import { engineRouting } from "../synthetic-routing.ts";
import { explainErrors, intList } from "./shared-args.ts";

const REPO = resolve(import.meta.dir, "..", "..", "..");
const PRESETS_FILE = join(REPO, "harness", "workload", "workload-presets.json");

/** Held fixed, and why (recorded with the preset). */
const FIXED: FixedParams = { zipf_spread: 0.1, cross_layer: 0 };
const FIXED_WHY = {
  zipf_spread: "layers differ in skew, so per-layer overlap spreads over a range as published, not one value",
  cross_layer: "Flash-MoE measured near-zero cross-layer correlation",
};
/** The brackets: the calibrated workload with a steeper and a flatter popularity. */
const BRACKET_ZIPF = 0.2;

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** The best refined point of each Nelder–Mead start (one per integer setting), for the record. */
function bestPerStart(all: Evaluation[]) {
  const best = new Map<string, Evaluation>();
  for (const e of all.filter((x) => x.step === "refine")) {
    const key = `${e.params.reuse_window}/${e.params.topic_every}`;
    if (!best.has(key) || e.loss < best.get(key)!.loss) best.set(key, e);
  }
  return [...best.values()].sort((a, b) => a.loss - b.loss)
    .map((e) => ({ params: e.params, lruHitRate: e.lruHitRate.map(r4), overlap: { min: r4(e.overlap.min), max: r4(e.overlap.max) }, loss: r4(e.loss) }));
}

export const calibrateCommand = defineCommand({
  meta: { name: "calibrate", description: "search synthetic-routing parameters that reproduce a published target" },
  args: {
    target: { type: "enum", options: Object.keys(TARGETS), default: "flash-moe-qwen3.5-397b", description: "published figures to match" },
    name: { type: "string", default: "qwen3.5-397b-a17b", description: "preset to write (brackets get -skewed / -flat)" },
    seeds: { type: "string", default: "1,2,3", description: "seeds averaged by the search" },
    "preset-seed": { type: "string", default: "1", description: "seed stored in the presets" },
    "dry-run": { type: "boolean", default: false, description: "search and log, but leave workload-presets.json as it is" },
  },
  run: ({ args }) => explainErrors("calibrate", () => {
    const target = TARGETS[args.target]!;
    const seeds = intList(args.seeds, "seeds");
    const presetSeed = intList(args["preset-seed"], "preset-seed")[0]!;
    const keys = (p: WorkloadParams, seed: number) => presetKeys({ model: target.model, params: { ...p, ...FIXED, seed } });
    const evaluate = (p: WorkloadParams, seed: number) => measure(engineRouting(keys(p, seed), target.tokens), target.capacities);

    const log = join(REPO, "data", "calibration", `${args.name}.search.jsonl`);
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(log, "");
    const all: Evaluation[] = [];
    const started = Date.now();
    const best = search(evaluate, target, seeds, (e) => {
      appendFileSync(log, `${JSON.stringify(e)}\n`);
      all.push(e);
      if (all.length % 50 === 0) console.error(`  ${all.length} evaluations, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    });
    const n = all.length;
    const show = (e: Evaluation) => `LRU ${e.lruHitRate.map((h) => (100 * h).toFixed(1)).join(" / ")} %, ` +
      `overlap ${(100 * e.overlap.min).toFixed(1)}–${(100 * e.overlap.max).toFixed(1)} %`;
    console.log(`best of ${n} evaluations (seeds ${seeds.join(",")}): ${JSON.stringify(best.params)}\n  ${show(best)}, loss ${best.loss.toFixed(2)}`);
    console.log(`  published: LRU ${target.lruHitRate.map((h) => 100 * h).join(" / ")} % at ${target.capacities.join("/")} entries, ` +
      `overlap ${100 * target.overlap.min}–${100 * target.overlap.max} %`);

    const at = (p: WorkloadParams) => evaluateOver(evaluate, p, [presetSeed], target, "preset");
    const calibrated = at(best.params);
    const variants: [string, WorkloadParams, string, string | null][] = [
      [args.name, best.params, `calibrated to ${target.label}`, args.target],
      [`${args.name}-skewed`, { ...best.params, zipf: best.params.zipf + BRACKET_ZIPF }, `bracket: Zipf +${BRACKET_ZIPF} (more skewed)`, null],
      [`${args.name}-flat`, { ...best.params, zipf: best.params.zipf - BRACKET_ZIPF }, `bracket: Zipf −${BRACKET_ZIPF} (less skewed)`, null],
    ];
    const presets: Record<string, WorkloadPreset> = {};
    for (const [name, params, description, targetName] of variants) {
      const e = name === args.name ? calibrated : at(params);
      console.log(`${name} (seed ${presetSeed}): ${show(e)}`);
      presets[name] = {
        description, model: target.model, tokens: target.tokens, params: { ...params, ...FIXED, seed: presetSeed }, target: targetName,
        calibration: {
          by: "bun run trace calibrate", at: new Date().toISOString().slice(0, 10), searchLog: relative(REPO, log),
          evaluations: n, searchSeeds: seeds, fixed: FIXED_WHY,
          ...(name === args.name ? { bestPerStart: bestPerStart(all) } : {}),
          measured: { capacities: target.capacities, lruHitRate: e.lruHitRate.map(r4),
            overlap: Object.fromEntries(Object.entries(e.overlap).map(([k, v]) => [k, r4(v)])) },
        },
      };
    }
    if (args["dry-run"]) return;
    const file = JSON.parse(readFileSync(PRESETS_FILE, "utf8")) as { presets: Record<string, WorkloadPreset> };
    Object.assign(file.presets, presets);
    writeFileSync(`${PRESETS_FILE}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
    renameSync(`${PRESETS_FILE}.tmp`, PRESETS_FILE);
    console.log(`wrote ${relative(REPO, PRESETS_FILE)}; search log ${relative(REPO, log)}`);
  }),
});
