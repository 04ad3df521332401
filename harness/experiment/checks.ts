// Impossible values in a resolved configuration — each a problem at the key path where the
// offending value was written: K > experts, warm-up not below tokens, an application cache
// larger than the emulated page cache, memory that does not add up, out-of-range values,
// files that are not there.
import type { Registry } from "../engine/registry.ts";
import { PER_LAYER_SCOPE } from "../engine/sized-keys.ts";
import { formatSize } from "../util/sizes.ts";
import type { Problem } from "./problem.ts";
import type { Resolved } from "./resolve.ts";
import type { Settings } from "./settings.ts";
import { WORKLOAD_PRESETS } from "../workload/workload-presets.ts";

/** `exists` tells whether a path exists (files named by the experiment); without it, paths
 *  are not checked. */
export function checkResolved(reg: Registry, r: Resolved, settings: Settings, exists?: (path: string) => boolean): Problem[] {
  const problems: Problem[] = [];
  const from = (k: string) => settings.get(k)?.from ?? k.split(".");
  const { model, workload, machine } = r;

  if (workload.k > model.experts)
    problems.push({ path: from("workload.k"), message: `K = ${workload.k} routed experts per token is more than the ${model.experts} experts per layer of ${model.preset}` });
  if (workload.warmup >= workload.tokens) {
    const at = settings.has("workload.tokens") ? "workload.tokens" : "workload.warmup";
    problems.push({ path: from(at), message: `workload.tokens (${workload.tokens}) must be more than workload.warmup (${workload.warmup}): warm-up tokens are part of a run` });
  }
  if (workload.routing.source === "trace" && [...settings.keys()].some((k) => k.startsWith("workload.routing.synthetic.")))
    problems.push({ path: from("workload.routing.trace"), message: "routing is either synthetic or a trace, not both: remove workload.routing.synthetic or the trace" });

  const preset = settings.get("workload.routing.preset");
  if (preset !== undefined) {
    const wp = WORKLOAD_PRESETS[String(preset.value)]!;
    if (workload.routing.source === "trace")
      problems.push({ path: preset.from, message: "routing is either a workload preset or a trace, not both: remove workload.routing.preset or the trace" });
    else if (wp.model !== model.preset)
      problems.push({ path: preset.from, message: `the workload preset ${preset.value} is calibrated for model.preset ${wp.model}, not ${model.preset}` });
    for (const k of ["workload.routing.synthetic.zipf", "workload.routing.synthetic.reuse"])
      if (settings.has(k)) problems.push({ path: from(k), message: `${k} is set by the workload preset ${preset.value}; remove one of them (only the seed, topic_every and topic_shift may be set beside a preset)` });
  }
  if (exists && workload.routing.source === "trace" && !exists(workload.routing.path))
    problems.push({ path: from("workload.routing.trace"), message: `no such file ${workload.routing.path}` });
  if (exists && model.import !== undefined && !exists(model.import))
    problems.push({ path: from("model.import"), message: `no such directory ${model.import}` });

  const m = machine;
  if (m.page_cache.emulated + m.resident.emulated > m.ram.emulated)
    problems.push({ path: from("machine.page_cache"), message: `page cache (${formatSize(m.page_cache.emulated)}) + resident weights (${formatSize(m.resident.emulated)}) exceed the emulated RAM machine.ram (${formatSize(m.ram.emulated)})` });

  if (m.page_cache_state === "as-is" && m.enforce === "strict")
    problems.push({ path: from("machine.page_cache_state"), message: "machine.page_cache_state as-is cannot be used with a memory budget (machine.enforce: strict): pages cached before the run are charged outside its cgroup, so the budget would not bound them; use cold or warm, or machine.enforce: best-effort to run as-is without a budget" });
  problems.push(...checkCache(r, settings));
  problems.push(...checkPins(r, settings, exists));

  // Scaled values must still be what the engine accepts.
  for (const [name, size] of Object.entries(r.sizes)) {
    const key = reg.keys.get(name);
    if (key?.max !== undefined && size.physical > key.max)
      problems.push({ path: from(name), message: `${size.physical} ${size.unit} on this machine is above the engine's maximum ${key.max} for ${name}` });
  }
  return problems;
}

function checkCache(r: Resolved, settings: Settings): Problem[] {
  const { engine, model, machine } = r;
  const policy = engine["cache.policy"];
  if (policy === undefined) return [];
  const budgetKey = settings.has("cache.budget_bytes") && Number(engine["cache.budget_bytes"]) > 0 ? "cache.budget_bytes" : "cache.entries";
  const bytes = Number(r.sizes["cache.budget_bytes"]?.emulated ?? 0);
  const entries = Number(r.sizes["cache.entries"]?.emulated ?? 0);
  const from = (k: string) => settings.get(k)?.from ?? k.split(".");
  if (policy !== "none" && bytes === 0 && entries === 0)
    return [{ path: from("cache.policy"), message: `cache.policy "${policy}" needs a budget: set cache.budget_bytes (e.g. 9.8GB) or cache.entries` }];
  if (policy === "none") return [];
  // The emulated cache as the full model would hold it; per-layer budgets count once per layer.
  const perLayer = engine[PER_LAYER_SCOPE.key] === PER_LAYER_SCOPE.value;
  const cacheBytes = (bytes > 0 ? bytes : entries * model.recordBytes) * (perLayer ? model.presetLayers : 1);
  if (cacheBytes > machine.page_cache.emulated)
    return [{ path: from(budgetKey), message: `the application cache (${formatSize(cacheBytes)} emulated) is larger than the emulated page cache machine.page_cache (${formatSize(machine.page_cache.emulated)}); it comes out of that share` }];
  return [];
}

/* Pins live inside the application cache: they need one, with room for them, and exactly one
 * source (a profile file, or a window that ends before the run does). */
function checkPins(r: Resolved, settings: Settings, exists?: (path: string) => boolean): Problem[] {
  const { engine, model, workload } = r;
  const from = (k: string) => settings.get(k)?.from ?? k.split(".");
  const topN = Number(r.sizes["pin.top_n"]?.emulated ?? 0);
  const file = String(engine["pin.file"] ?? ""), window = Number(engine["pin.window"] ?? 0);
  if (topN === 0) {
    if (file !== "" || window > 0)
      return [{ path: from(file !== "" ? "pin.file" : "pin.window"), message: "pin.top_n is not set: say how many experts to pin" }];
    return [];
  }
  if ((file !== "") === (window > 0))
    return [{ path: from("pin.top_n"), message: "pins come from pin.file or from pin.window: set exactly one of them" }];
  if (file !== "" && exists && !exists(file)) return [{ path: from("pin.file"), message: `no such file ${file}` }];
  if (window >= workload.tokens)
    return [{ path: from("pin.window"), message: `pin.window (${window}) must be less than workload.tokens (${workload.tokens}): pins are placed once the window has run` }];
  if (engine["cache.policy"] === "none")
    return [{ path: from("pin.top_n"), message: "pins live inside the application cache; cache.policy none has none: set a policy and a budget" }];
  // on this machine, as the engine will check it: both scale with s, but round separately
  const pins = Number(r.sizes["pin.top_n"]!.physical);
  const bytes = Number(r.sizes["cache.budget_bytes"]?.physical ?? 0);
  const entries = bytes > 0 ? Math.floor(bytes / model.recordBytes) : Number(r.sizes["cache.entries"]?.physical ?? 0);
  if (pins > entries)
    return [{ path: from("pin.top_n"), message: `${pins} pinned experts (${topN} emulated) do not fit in the application cache of ${entries} experts on this machine; pins count inside its budget` }];
  return [];
}
