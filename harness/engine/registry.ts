// The engine's self-description (tb_describe_json) as the harness uses it: engine keys with
// type, default, range and help, and the geometry presets. Every engine setting in an
// experiment file is validated against this, so the harness never restates engine keys.

import type { EngineDescription, KeyInfo, KeyType, KeyValue, PresetInfo } from "../../ffi/index.ts";

export type EngineValue = KeyValue;

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
  policies: string[];         // cache policies proper (cache.policy also takes aliases: policy + predictor)
}

/** The registry from the engine's description (ffi describe()). */
export function registryFromDescription(d: EngineDescription): Registry {
  const keys = new Map<string, EngineKey>(d.keys.map((k) => [k.name, toKey(k)]));
  const presets = new Map<string, Preset>(d.presets.map((p) => [p.name, toPreset(p)]));
  return { abi: d.abi, keys, presets, policies: d.policies.map((p) => p.name) };
}

function toKey(k: KeyInfo): EngineKey {
  const key: EngineKey = { name: k.name, type: k.type, default: k.default, help: k.help };
  if (k.min !== undefined) key.min = k.min;
  if (k.max !== undefined) key.max = k.max;
  if (k.values && k.values.length > 0) key.values = k.values;
  return key;
}

function toPreset(p: PresetInfo): Preset {
  const g = p.geometry;
  return {
    name: p.name, layers: g.layers, experts: g.experts, k: g.k, bits: g.bits, source: p.source,
    recordBytes: Object.fromEntries(Object.entries(p.record_bytes).map(([b, n]) => [Number(b), n])),
    residentLayerBytes: p.resident_layer_bytes,
  };
}
