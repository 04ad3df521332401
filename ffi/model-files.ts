// model-files.ts — model directories through the engine: generate one in time-bounded steps
// (with progress), check one against its manifest, import a Flash-MoE packed_experts/ directory.
import { Engine } from "./engine.ts";
import type { Geometry } from "./describe.ts";
import { check, cstr, library, type Library } from "./library.ts";
import { Status } from "./status.ts";

export interface GenerateOptions {
  /** directory to write (layer_XX.bin, resident.bin, manifest.json last) */
  dir: string;
  /** preset that fills the geometry; geometry fields given here override it */
  preset?: string;
  geometry?: Partial<Geometry>;
  seed?: number;
  /** generator threads; default every online CPU */
  threads?: number;
  /** wall-time budget of one generation step, ms (default 100) */
  budgetMs?: number;
  /** fraction done in [0, 1], after every step */
  onProgress?: (fraction: number) => void;
  lib?: Library;
}

/** Geometry fields → model.* keys (k is routing.k: the model's default K). */
const GEOMETRY_KEYS: Record<keyof Geometry, string> = {
  hidden: "model.hidden",
  ffn: "model.ffn",
  shared_ffn: "model.shared_ffn",
  layers: "model.layers",
  experts: "model.experts",
  k: "routing.k",
  group: "model.group",
  bits: "model.bits",
  dense_bits: "model.dense_bits",
  dense_matrices: "model.dense_matrices",
};

export async function generateModel(o: GenerateOptions): Promise<void> {
  const engine = new Engine({ lib: o.lib });
  try {
    engine.set("model.dir", o.dir);
    if (o.preset !== undefined) engine.set("model.preset", o.preset);
    for (const [field, value] of Object.entries(o.geometry ?? {}))
      if (value !== undefined) engine.set(GEOMETRY_KEYS[field as keyof Geometry], value);
    if (o.seed !== undefined) engine.set("model.seed", o.seed);
    if (o.threads !== undefined) engine.set("gen.threads", o.threads);
    const sym = engine.lib.sym;
    check(engine.lib, sym.tb_gen_begin(engine.handle), "tb_gen_begin");
    const progress = new Float64Array(1);
    for (;;) {
      const rc = check(engine.lib, sym.tb_gen_step(engine.handle, o.budgetMs ?? 100, progress), "tb_gen_step");
      o.onProgress?.(rc === Status.OK ? 1 : progress[0]!);
      if (rc === Status.OK) return;
      await Bun.sleep(0); // let progress render and other work run between steps
    }
  } finally {
    engine.close();
  }
}

/** Throws a TbError (TB_ERR_MODEL naming the file, expected and actual size) unless dir is a model. */
export function checkModel(dir: string, lib: Library = library()): void {
  check(lib, lib.sym.tb_model_check(cstr(dir, "dir")), "tb_model_check");
}

export interface ImportOptions {
  /** a Flash-MoE packed_experts/ directory (layer_XX.bin) */
  src: string;
  /** the preset its files must match */
  preset: string;
  bits: number;
  /** seed of the synthetic resident weights */
  seed: number;
  /** the tierbench model directory to create */
  dst: string;
  lib?: Library;
}

export function importModel(o: ImportOptions): void {
  const lib = o.lib ?? library();
  check(
    lib,
    lib.sym.tb_model_import(cstr(o.src, "src"), cstr(o.preset, "preset"), o.bits, o.seed, cstr(o.dst, "dst")),
    "tb_model_import",
  );
}
