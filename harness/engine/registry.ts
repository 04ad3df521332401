// The engine's self-description (tb_describe_json) as the harness uses it: engine keys with
// type, default, range and help, and the geometry presets. Every engine setting in an
// experiment file is validated against this, so the harness never restates engine keys.

export type KeyType = "int" | "real" | "bool" | "enum" | "str";
export type EngineValue = number | string | boolean;

export interface EngineKey {
  name: string;               // e.g. "io.threads"
  type: KeyType;
  default: EngineValue;
  min?: number;               // inclusive, numeric keys only
  max?: number;
  values?: (string | number)[];  // enum keys: the allowed names; int keys limited to some numbers: those
  help: string;
}

export interface Preset {
  name: string;
  layers: number;             // layers of the full model (the scale factor's denominator)
  experts: number;            // experts per layer
  k: number;                  // routed experts per token by default
  bits: number;               // default expert bits
  recordBytes: Record<number, number>;   // bytes of one expert record, by bits
  residentLayerBytes: number; // bytes of one layer's resident (non-expert) weights
  source: string;
}

export interface Registry {
  abi: number;
  keys: Map<string, EngineKey>;
  presets: Map<string, Preset>;
}

type Json = Record<string, unknown>;

/** Typed registry from the engine's describe() JSON (already parsed). */
export function registryFromDescription(d: Json): Registry {
  const keys = new Map<string, EngineKey>();
  for (const k of d.keys as Json[]) {
    const key = toKey(k);
    keys.set(key.name, key);
  }
  const presets = new Map<string, Preset>();
  for (const p of d.presets as Json[]) presets.set(String(p.name), toPreset(p));
  return { abi: Number(d.abi), keys, presets };
}

function toKey(k: Json): EngineKey {
  const type = String(k.type) as KeyType;
  const values = Array.isArray(k.values) ? (k.values as (string | number)[]) : undefined;
  const key: EngineKey = { name: String(k.name), type, default: toValue(type, k.default), help: String(k.help ?? "") };
  if (typeof k.min === "number") key.min = k.min;
  if (typeof k.max === "number") key.max = k.max;
  if (values && values.length > 0) key.values = values;
  return key;
}

function toValue(type: KeyType, v: unknown): EngineValue {
  if (type === "int" || type === "real") return Number(v);
  if (type === "bool") return v === true || v === 1 || v === "1" || v === "true";
  return String(v ?? "");
}

function toPreset(p: Json): Preset {
  const rb = (p.record_bytes ?? {}) as Record<string, number>;
  const g = p.geometry as Json;
  return {
    name: String(p.name),
    layers: Number(g.layers),
    experts: Number(g.experts),
    k: Number(g.k),
    bits: Number(g.bits),
    recordBytes: Object.fromEntries(Object.entries(rb).map(([b, n]) => [Number(b), Number(n)])),
    residentLayerBytes: Number(p.resident_layer_bytes),
    source: String(p.source ?? ""),
  };
}
