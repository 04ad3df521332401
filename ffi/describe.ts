// describe.ts — the compiled engine's own description (tb_describe_json), parsed and typed:
// its keys (the single source the harness's schema derives engine settings from), presets,
// plugin registries with availability, stages and counter names.
import { library, readCString, lastError, type Library } from "./library.ts";

export type KeyType = "int" | "real" | "bool" | "enum" | "str";
export type KeyValue = number | string | boolean;

export interface KeyInfo {
  name: string;
  type: KeyType;
  default: KeyValue;
  /** int and real keys: inclusive range */
  min?: number;
  max?: number;
  /** str keys: longest value in bytes */
  max_length?: number;
  /** enum keys: the allowed names; int keys that allow only some numbers: those numbers */
  values?: (string | number)[];
  help: string;
}

export interface Geometry {
  hidden: number;
  ffn: number;
  shared_ffn: number;
  layers: number;
  experts: number;
  k: number;
  group: number;
  bits: number;
  dense_bits: number;
  dense_matrices: number;
}

export interface PresetInfo {
  name: string;
  source: string;
  geometry: Geometry;
  /** bytes of one routed expert record, by expert bits */
  record_bytes: Record<"2" | "4" | "8", number>;
  /** bytes of one layer's resident (non-expert) weights at the preset's dense bits */
  resident_layer_bytes: number;
}

export interface PluginInfo {
  name: string;
  help: string;
}
export interface PolicyInfo extends PluginInfo {
  needs_future: boolean;
}
export interface PredictorInfo extends PluginInfo {
  /** reads routing before it is released (the oracle): an upper bound, not a method */
  needs_future: boolean;
  /** reads its predictions from prefetch.trace */
  needs_trace: boolean;
}
/** a cache.policy name standing for a policy plus a prefetch predictor */
export interface PolicyAliasInfo {
  name: string;
  policy: string;
  predictor: string;
  help: string;
}
export interface IoEngineInfo extends PluginInfo {
  moves_bytes: boolean;
  available: boolean;
  why?: string;
}
export interface BackendInfo extends PluginInfo {
  available: boolean;
  /** why it cannot run here (e.g. metal off macOS), when not available */
  why?: string;
}
export interface KernelInfo {
  name: string;
  available: boolean;
  bits: number[];
}

export interface EngineDescription {
  abi: number;
  keys: KeyInfo[];
  presets: PresetInfo[];
  policies: PolicyInfo[];
  policy_aliases: PolicyAliasInfo[];
  prefetchers: PredictorInfo[];
  io_engines: IoEngineInfo[];
  backends: BackendInfo[];
  kernels: KernelInfo[];
  stages: string[];
  counters: string[];
  /** one line of meaning per counter */
  counter_help: Record<string, string>;
  layer_counters: string[];
}

const ARRAYS = [
  "keys", "presets", "policies", "policy_aliases", "prefetchers", "io_engines", "backends", "kernels", "stages", "counters",
  "layer_counters",
] as const;

/** Parse and shape-check a description; throws naming the first missing or mistyped field. */
export function parseDescription(text: string): EngineDescription {
  const d = JSON.parse(text) as Record<string, unknown>;
  if (typeof d.abi !== "number") throw new Error("engine description: 'abi' is not a number");
  for (const field of ARRAYS)
    if (!Array.isArray(d[field])) throw new Error(`engine description: '${field}' is not an array`);
  for (const k of d.keys as KeyInfo[])
    if (typeof k.name !== "string" || !["int", "real", "bool", "enum", "str"].includes(k.type))
      throw new Error(`engine description: key ${JSON.stringify(k)} has no name or an unknown type`);
  return d as unknown as EngineDescription;
}

const cache = new WeakMap<Library, EngineDescription>();

export function describe(lib: Library = library()): EngineDescription {
  let d = cache.get(lib);
  if (!d) {
    const text = readCString(lib.sym.tb_describe_json());
    if (text === null) throw new Error(`tb_describe_json: ${lastError(lib)}`);
    d = parseDescription(text);
    cache.set(lib, d);
  }
  return d;
}

/** The registry entry of `name`, or undefined. */
export function keyInfo(name: string, lib: Library = library()): KeyInfo | undefined {
  return describe(lib).keys.find((k) => k.name === name);
}
