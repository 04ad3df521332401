// One configuration's settings resolved into a run's model, workload, machine and full engine
// key map: defaults filled from the preset and the registry, emulated sizes converted to this
// machine's with s = L / preset layers. Pure.
import path from "node:path";
import type { EngineKey, EngineValue, Registry } from "../engine/registry.ts";
import { FIELD_TO_KEY, isOwnedKey } from "../engine/owned-keys.ts";
import { PER_LAYER_SCOPE, SIZED_KEYS } from "../engine/sized-keys.ts";
import type { ModelSpec, RoutingSpec, RunSpec, SizeValue } from "./plan.ts";
import type { PageCacheState } from "../pagecache/states.ts";
import type { Problem } from "./problem.ts";
import type { Settings } from "./settings.ts";
import { presetKeys, WORKLOAD_PRESETS } from "../workload/workload-presets.ts";

export type Resolved = Pick<RunSpec, "model" | "workload" | "machine" | "engine" | "sizes">;

export function resolve(reg: Registry, settings: Settings, experimentDir: string): { resolved?: Resolved; problems: Problem[] } {
  const problems: Problem[] = [];
  const get = (k: string) => settings.get(k)?.value;
  const from = (k: string) => settings.get(k)?.from ?? k.split(".");
  const dflt = (field: string) => reg.keys.get(FIELD_TO_KEY[field]!)?.default;
  const num = (field: string) => Number(get(field) ?? dflt(field));

  // Geometry keys use -1 (and routing.k 0) for "the preset's".
  const preset = reg.presets.get(String(get("model.preset")))!;
  const orPreset = (v: number, p: number) => (v > 0 ? v : p);
  if (num("model.layers") === 0) {
    problems.push({ path: from("model.layers"), message: `a model needs at least 1 layer; write 1..${preset.layers}, or -1 for all of ${preset.name}'s` });
    return { problems };
  }
  const layers = orPreset(num("model.layers"), preset.layers);
  const bits = orPreset(num("model.bits"), preset.bits);
  const recordBytes = preset.recordBytes[bits];
  if (recordBytes === undefined) {
    problems.push({ path: from("model.bits"), message: `the preset ${preset.name} has no ${bits}-bit records; bits with records: ${Object.keys(preset.recordBytes).join(", ")}` });
    return { problems };
  }
  if (layers > preset.layers) {
    problems.push({ path: from("model.layers"), message: `${layers} layers is more than the preset ${preset.name} has (${preset.layers}); the scale model takes L ≤ ${preset.layers}` });
    return { problems };
  }
  const scale = layers / preset.layers;
  const imported = get("model.import");
  const model: ModelSpec = {
    preset: preset.name, layers, presetLayers: preset.layers, scale, bits, seed: num("model.seed"),
    ...(imported === undefined ? {} : { import: path.resolve(experimentDir, String(imported)) }),
    experts: preset.experts, recordBytes, layerFileBytes: preset.experts * recordBytes,
    residentBytes: layers * preset.residentLayerBytes,
  };

  const trace = get("workload.routing.trace");
  const presetName = get("workload.routing.preset");
  const wp = presetName === undefined ? undefined : WORKLOAD_PRESETS[String(presetName)];
  // A workload preset sets every routing.* key; an explicit synthetic seed still wins.
  const presetRouting = wp && {
    source: "synthetic" as const, preset: String(presetName), zipf: wp.params.zipf, reuse: wp.params.reuse,
    seed: get("workload.routing.synthetic.seed") === undefined ? wp.params.seed : num("workload.routing.synthetic.seed"),
  };
  const routing: RoutingSpec = trace !== undefined
    ? { source: "trace", path: path.resolve(experimentDir, String(trace)) }
    : presetRouting ?? { source: "synthetic", zipf: num("workload.routing.synthetic.zipf"), reuse: num("workload.routing.synthetic.reuse"), seed: num("workload.routing.synthetic.seed") };
  const workload = { routing, k: orPreset(num("workload.k"), preset.k), tokens: num("workload.tokens"), warmup: num("workload.warmup") };

  const scaled = (k: string): SizeValue => {
    const emulated = Number(get(k));
    return { emulated, physical: Math.round(emulated * scale), unit: "bytes" };
  };
  const machine = {
    enforce: get("machine.enforce") as "strict" | "best-effort",
    page_cache_state: get("machine.page_cache_state") as PageCacheState,
    page_cache: scaled("machine.page_cache"), resident: scaled("machine.resident"), ram: scaled("machine.ram"),
  };

  // Every engine key: registry default, then what the model and workload imply, then settings.
  const engine: Record<string, EngineValue> = {};
  for (const [name, key] of reg.keys) engine[name] = key.default;
  const set = (name: string, v: EngineValue) => {
    const key = reg.keys.get(name);
    if (key) engine[name] = typed(key, v);
  };
  set("model.preset", preset.name);
  set("model.layers", layers);
  set("model.bits", bits);
  set("model.seed", model.seed);
  set("routing.source", routing.source);
  set("routing.k", workload.k);
  set("run.tokens", workload.tokens);
  if (routing.source === "trace") set("routing.trace", routing.path);
  else {
    if (wp) for (const [k, v] of Object.entries(presetKeys(wp))) if (k.startsWith("routing.")) set(k, v);
    set("routing.zipf", routing.zipf);
    set("routing.reuse", routing.reuse);
    set("routing.seed", routing.seed);
    // Topic rotation describes the prompt stream, not the calibrated popularity: it may be set
    // beside a preset (a rotating-prompts row) as well as beside explicit skew.
    for (const f of ["topic_every", "topic_shift"] as const) {
      const v = get(`workload.routing.synthetic.${f}`);
      if (v !== undefined) set(`routing.${f}`, num(`workload.routing.synthetic.${f}`));
    }
  }
  const pinFile = get("pin.file");
  if (pinFile !== undefined && pinFile !== "") set("pin.file", path.resolve(experimentDir, String(pinFile)));
  set("pin.window", num("pin.window"));
  for (const [name, s] of settings) if (reg.keys.has(name) && !isOwnedKey(name)) set(name, s.value);

  const sizes: Record<string, SizeValue> = {};
  const perLayer = engine[PER_LAYER_SCOPE.key] === PER_LAYER_SCOPE.value;
  for (const [name, spec] of Object.entries(SIZED_KEYS)) {
    if (!settings.has(name)) continue;
    const emulated = Number(settings.get(name)!.value);
    const scales = spec.scaling === "budget" && !perLayer;
    const physical = scales ? Math.round(emulated * scale) : emulated;
    if (emulated > 0 && physical === 0)
      problems.push({ path: from(name), message: `${emulated} ${spec.unit} at s = ${layers}/${preset.layers} is 0 on this machine; raise it or model.layers` });
    sizes[name] = { emulated, physical, unit: spec.unit };
    set(name, physical);
  }
  return { resolved: { model, workload, machine, engine, sizes }, problems };
}

function typed(key: EngineKey, v: EngineValue): EngineValue {
  if (key.type === "int" || key.type === "real") return Number(v);
  if (key.type === "bool") return Boolean(v);
  return String(v);
}
