// models.ts — the model cache: ensureModel() returns a model directory under data/models/ named
// after its geometry, bits and seed, generating it once with the C generator. Concurrent callers
// are safe: generation happens under a lock, and a directory only counts once its manifest
// (written last) checks out.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, type Geometry } from "./describe.ts";
import { library, type Library } from "./library.ts";
import { acquireLock } from "./lock.ts";
import { checkModel, generateModel } from "./model-files.ts";
import { Status, TbError } from "./status.ts";

export interface ModelSpec {
  /** a compiled preset (describe().presets); its geometry is the starting point */
  preset?: string;
  /** geometry fields that override the preset's (all of them without a preset) */
  geometry?: Partial<Geometry>;
  /** expert bits (2, 4 or 8); overrides geometry.bits */
  bits?: number;
  seed?: number;
}

export interface EnsureOptions {
  /** cache directory; default $TIERBENCH_MODELS, else data/models in the repository */
  root?: string;
  threads?: number;
  onProgress?: (fraction: number) => void;
  lockTimeoutMs?: number;
  lib?: Library;
}

export interface ModelRef {
  dir: string;
  name: string;
  geometry: Geometry;
  seed: number;
  /** true when this call generated it */
  generated: boolean;
}

export function defaultModelRoot(): string {
  return process.env.TIERBENCH_MODELS || resolve(import.meta.dir, "../data/models");
}

const FIELDS: (keyof Geometry)[] = [
  "hidden", "ffn", "shared_ffn", "layers", "experts", "k", "group", "bits", "dense_bits", "dense_matrices",
];

/** The full geometry a spec asks for; throws naming a missing field or an unknown preset. */
export function resolveGeometry(spec: ModelSpec, lib: Library = library()): Geometry {
  const presets = describe(lib).presets;
  const preset = spec.preset === undefined ? undefined : presets.find((p) => p.name === spec.preset);
  if (spec.preset !== undefined && !preset)
    throw new Error(`model preset '${spec.preset}' is unknown; compiled presets: ${presets.map((p) => p.name).join(", ")}`);
  const g: Partial<Geometry> = { ...preset?.geometry, ...spec.geometry };
  if (spec.bits !== undefined) g.bits = spec.bits;
  for (const f of FIELDS)
    if (typeof g[f] !== "number") throw new Error(`model geometry: '${f}' is not set (give a preset or geometry.${f})`);
  return g as Geometry;
}

/** Cache name: "<preset>-L<layers>-q<bits>-s<seed>" when only layers and bits differ from the
 *  preset (a scale model), else every geometry field spelled out. */
export function modelName(g: Geometry, seed: number, preset?: { name: string; geometry: Geometry }): string {
  const tail = `L${g.layers}-q${g.bits}-s${seed}`;
  if (preset && FIELDS.every((f) => f === "layers" || f === "bits" || g[f] === preset.geometry[f]))
    return `${preset.name}-${tail}`;
  return (
    `custom-h${g.hidden}-f${g.ffn}-sf${g.shared_ffn}-e${g.experts}-k${g.k}-g${g.group}` +
    `-d${g.dense_matrices}x${g.dense_bits}-${tail}`
  );
}

/** A committed, intact model? No manifest (an interrupted generation) or TB_ERR_MODEL (damaged
 *  files) is "no": the cache makes it again. Any other failure is the caller's to see. */
function isModel(dir: string, lib: Library): boolean {
  if (!existsSync(join(dir, "manifest.json"))) return false;
  try {
    checkModel(dir, lib);
    return true;
  } catch (e) {
    if (e instanceof TbError && e.status === Status.ERR_MODEL) return false;
    throw e;
  }
}

export async function ensureModel(spec: ModelSpec, o: EnsureOptions = {}): Promise<ModelRef> {
  const lib = o.lib ?? library();
  const geometry = resolveGeometry(spec, lib);
  const seed = spec.seed ?? 1;
  const preset = describe(lib).presets.find((p) => p.name === spec.preset);
  const name = modelName(geometry, seed, preset);
  const root = resolve(o.root ?? defaultModelRoot());
  const dir = join(root, name);
  if (isModel(dir, lib)) return { dir, name, geometry, seed, generated: false };

  mkdirSync(root, { recursive: true });
  const release = await acquireLock(join(root, `.${name}.lock`), {
    timeoutMs: o.lockTimeoutMs,
    what: `generating model ${name}`,
  });
  try {
    if (isModel(dir, lib)) return { dir, name, geometry, seed, generated: false }; // made while we waited
    rmSync(dir, { recursive: true, force: true }); // an interrupted or broken generation
    await generateModel({ dir, geometry, seed, preset: preset?.name, threads: o.threads, onProgress: o.onProgress, lib });
    checkModel(dir, lib);
    return { dir, name, geometry, seed, generated: true };
  } finally {
    release();
  }
}
