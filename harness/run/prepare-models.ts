// Makes every model a plan needs exist before any run starts, so nothing is generated inside a
// timed region: generated models come from the shared cache (ffi/models.ts); an imported
// Flash-MoE directory is imported once beside them.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkModel, ensureModel, importModel } from "../../ffi/index.ts";
import { defaultModelRoot } from "../../ffi/models.ts";
import type { ModelSpec as PlanModel } from "../experiment/plan.ts";
import { specHash } from "../results/spec-hash.ts";

export const modelKey = (m: PlanModel) => specHash({ preset: m.preset, layers: m.layers, bits: m.bits, seed: m.seed, import: m.import ?? null });

/** Model directory by modelKey, for every distinct model of the plan. */
export async function prepareModels(
  models: readonly PlanModel[],
  note: (line: string) => void,
  onProgress: (name: string, fraction: number) => void,
): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  for (const m of models) {
    const key = modelKey(m);
    if (dirs.has(key)) continue;
    if (m.import) {
      const dir = join(defaultModelRoot(), `imported-${key}`);
      if (!existsSync(join(dir, "manifest.json"))) {
        note(`importing ${m.import} as ${m.preset} (${m.bits}-bit)`);
        importModel({ src: m.import, preset: m.preset, bits: m.bits, seed: m.seed, dst: dir });
      }
      checkModel(dir);
      dirs.set(key, dir);
      continue;
    }
    const ref = await ensureModel(
      { preset: m.preset, geometry: { layers: m.layers }, bits: m.bits, seed: m.seed },
      { onProgress: (f) => onProgress(`${m.preset} L${m.layers} ${m.bits}-bit`, f) },
    );
    if (ref.generated) note(`generated model ${ref.name} in ${ref.dir}`);
    dirs.set(key, ref.dir);
  }
  return dirs;
}
