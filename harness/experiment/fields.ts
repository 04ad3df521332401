// The harness's own settings (model, workload, machine), declared once as a flat table: this
// drives validation, defaults, what sweeps and variants may override, and the reference docs.
// Fields that set an engine key take their type, range and help from the engine's registry.
import { z } from "zod";
import type { Registry } from "../engine/registry.ts";
import { keySchema } from "../engine/key-schema.ts";
import { describeKeyType } from "../engine/key-type.ts";
import { FIELD_TO_KEY } from "../engine/owned-keys.ts";
import { sizeSchema } from "../util/size-schema.ts";
import { PAGE_CACHE_STATES } from "../pagecache/states.ts";
import { WORKLOAD_PRESETS } from "../workload/workload-presets.ts";

export interface Field {
  path: string;            // dotted, e.g. "machine.page_cache"
  schema: z.ZodType;       // the value, once present
  type: string;            // accepted values, in words
  help: string;
  default?: string;        // as documented; `fallback` is what validation fills in
  fallback?: unknown;      // raw value used when the field is absent (parsed like input)
  required?: boolean;
  overridable: boolean;    // may be a sweep axis or a variant override
}

export const SECTIONS: Record<string, string> = {
  model: "Which model: a geometry preset of the engine, scaled to L layers (s = L / the preset's layers), at a bit width and seed — or an imported Flash-MoE directory.",
  workload: "What runs: the routing source, tokens per run, warm-up tokens left out of steady-state figures, and repeats (interleaved across variants).",
  machine: "The emulated machine's memory, composed as the paper used it: page cache available to the model, resident non-expert weights, total RAM. Written in the emulated machine's sizes; each is multiplied by s for this machine, and both values are recorded. Each run gets a memory cgroup of page cache + resident + the runner's measured fixed overhead.",
  pin: "Experts kept resident in the application cache, inside its budget and never evicted: the pin.top_n heaviest of a popularity profile (pin.file), or the pin.top_n most requested in the first pin.window tokens of each run.",
};

export function harnessFields(reg: Registry): Field[] {
  const engine = (path: string, help?: string, dflt?: string): Field => {
    const name = FIELD_TO_KEY[path]!;
    const key = reg.keys.get(name);
    if (!key) throw new Error(`the engine has no key "${name}", which the harness field ${path} sets`);
    return {
      path, schema: keySchema(key), type: describeKeyType(key), overridable: true,
      help: help ? `${help} (engine key ${name})` : `${key.help} (engine key ${name})`,
      default: dflt ?? JSON.stringify(key.default),
    };
  };
  const size = (path: string, dflt: string, help: string): Field =>
    ({ path, schema: sizeSchema(), type: "size", help, default: dflt, fallback: dflt, overridable: true });
  const presets = [...reg.presets.keys()];
  const workloads = Object.keys(WORKLOAD_PRESETS);

  return [
    { path: "name", schema: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "use lower-case letters, digits, '.', '_' and '-'"),
      type: "text (lower-case, digits, . _ -)", help: "The experiment's name; results go under results/<name>/.", required: true, overridable: false },
    { path: "description", schema: z.string().trim(), type: "text", help: "What the experiment asks, in a sentence or two.", overridable: false },

    { path: "model.preset", schema: z.enum(presets as [string, ...string[]]), type: presets.join(" | "),
      help: "Geometry preset, as the engine lists them.", required: true, overridable: true },
    engine("model.layers", "L, the layers of the scale model (s = L / the preset's layers); -1 = all of the preset's", "the preset's"),
    engine("model.bits", "Bits per expert weight; -1 = the preset's", "the preset's"),
    engine("model.seed", "Seed of the synthetic weights; models are cached by geometry, bits and seed"),
    { path: "model.import", schema: z.string().min(1), type: "directory",
      help: "A Flash-MoE packed_experts/ directory to use instead of generated weights (sizes are checked against the preset and bits).",
      overridable: false },

    engine("workload.routing.synthetic.zipf"),
    engine("workload.routing.synthetic.reuse"),
    engine("workload.routing.synthetic.seed"),
    engine("workload.routing.synthetic.topic_every", "Tokens between topic shifts, 0 = never: a new prompt every N tokens (rotating prompts); may be set beside a workload preset"),
    engine("workload.routing.synthetic.topic_shift", "Fraction of the popularity ranks reshuffled at each topic shift, 0–1; may be set beside a workload preset"),
    { path: "workload.routing.preset", schema: z.enum(workloads as [string, ...string[]]), type: workloads.join(" | "),
      help: "A calibrated workload preset of the generator (harness/workload/workload-presets.json): all of its routing settings; workload.routing.synthetic.seed, topic_every and topic_shift may still set the seed and the topic rotation.",
      overridable: true },
    engine("workload.routing.trace", "Routing trace file (docs/trace-format.md), relative to the experiment file; replaces synthetic routing"),
    engine("workload.k", "Routed experts per token, K; 0 = the preset's", "the preset's"),
    engine("workload.tokens", "Tokens per run, warm-up included"),
    { path: "workload.warmup", schema: z.number().int().min(0), type: "integer ≥ 0", default: "0", fallback: 0,
      help: "First tokens of each run left out of steady-state figures; must be fewer than tokens.", overridable: true },
    { path: "workload.repeats", schema: z.number().int().min(1), type: "integer ≥ 1", default: "1", fallback: 1,
      help: "Runs of each configuration, interleaved (ABCABC…); comparisons need ≥ 5.", overridable: false },

    size("machine.page_cache", "35GB", "Page cache available to the model (the paper's ~35 GB of a 48 GB machine); an application cache comes out of it."),
    size("machine.resident", "5.5GB", "Resident non-expert weights (mmap'd)."),
    size("machine.ram", "48GB", "Total RAM of the emulated machine; page cache + resident must fit in it."),
    { path: "machine.enforce", schema: z.enum(["strict", "best-effort"]), type: "strict | best-effort", default: '"strict"', fallback: "strict",
      help: "strict: a run without an enforceable memory budget refuses; best-effort: it runs, flagged \"budget not enforced\".", overridable: true },
    { path: "machine.page_cache_state", schema: z.enum(PAGE_CACHE_STATES), type: PAGE_CACHE_STATES.join(" | "), default: '"cold"', fallback: "cold",
      help: "The model's pages in the page cache when a run starts, produced inside the run's budget: cold (dropped, verified by mincore), warm (cold, then pre-read so the budget keeps what fits), as-is (untouched; only without a budget, i.e. with enforce: best-effort).",
      overridable: true },
    engine("pin.file", "Pin profile: a popularity file (one line of per-expert weights per layer, as `bun run trace popularity` writes it), relative to the experiment file; its pin.top_n heaviest experts are pinned when a run opens"),
    engine("pin.top_n", "Experts to pin, in emulated-machine entries (like cache.entries, they scale with s unless cache.scope is per-layer, where they count per layer); inside the application cache's budget"),
    engine("pin.window", "Pin the pin.top_n experts most requested in the first pin.window tokens of a run, once they have run; 0 = pins come from pin.file"),
  ];
}

/** Fields that sweeps and variants may set, by dotted path. */
export function overridableFields(fields: Field[]): Map<string, Field> {
  return new Map(fields.filter((f) => f.overridable).map((f) => [f.path, f]));
}
