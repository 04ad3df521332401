// The schema of an experiment file, built from the engine's registry: the harness fields
// (fields.ts), `engine:` settings (every engine key the harness does not set itself),
// `sweep:` axes, named `variants:` and `compare:` entries. The single source for validation,
// defaults and the generated reference.
import { z } from "zod";
import type { EngineKey, EngineValue, Registry } from "../engine/registry.ts";
import { keySchema } from "../engine/key-schema.ts";
import { isOwnedKey } from "../engine/owned-keys.ts";
import { isSizeKey } from "../engine/sized-keys.ts";
import { harnessFields, overridableFields, type Field } from "./fields.ts";
import { nest } from "./nest.ts";
import { parsePublished, PublishedError, type Published } from "./published.ts";
import { simulateSection, type SimulateSection } from "../sim/simulate-section.ts";

export type Value = EngineValue;

/** A validated experiment file; sizes are emulated bytes. */
export interface ExperimentDoc {
  name: string;
  description?: string;
  model: { preset: string; layers?: number; bits?: string; seed?: number; import?: string };
  workload: {
    routing?: { synthetic?: { zipf?: number; reuse?: number; seed?: number }; trace?: string };
    k?: number; tokens?: number; warmup: number; repeats: number;
  };
  pin?: { file?: string; top_n?: number; window?: number };
  machine: { page_cache: number; resident: number; ram: number; enforce: "strict" | "best-effort" };
  engine: Record<string, Value>;
  sweep: Record<string, Value[]>;
  variants: Record<string, Record<string, Value> & { label?: string }>;
  compare: Comparison[];
  simulate?: SimulateSection;
}

export interface Comparison {
  a: string;                 // baseline variant
  b: string;                 // variant whose change relative to a was published
  metric: Metric;
  published: Published;
  source: string;
}

export const METRICS = ["tok_s"] as const;
export type Metric = (typeof METRICS)[number];

export const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** What each top-level section beyond the harness fields is, for help and docs. */
export const EXTRA_SECTIONS: Record<string, string> = {
  engine: "Engine settings shared by every run: any engine key below, by its full name (`io.threads: 4`). Sizes accept units and are emulated-machine sizes.",
  sweep: "Axes of a cartesian product: each key (an engine key or an overridable harness field such as `model.layers`) with a list of values.",
  variants: "Named configurations, each a map of overrides (engine keys or overridable harness fields) with an optional `label`. Names may use letters, digits and `. _ + -`.",
  compare: "Published comparisons to check: `{a, b, metric, published, source}` — the change of b relative to a in `metric` (`\"+38%\"`, a range `\"+32%..+40%\"`, both `\"+38% (+32%..+40%)\"`, or a direction `\"> 0%\"`), judged by fixed rules on the 95 % interval over ≥ 5 interleaved repeats.",
  simulate: "What `bun run simulate` replays the experiment's routing through, without I/O: policies × application-cache capacities, alone and in front of a page-cache model (every configuration of the experiment that routes or reads differently is simulated apart).",
};

export interface ExperimentSchema {
  schema: z.ZodType;
  fields: Field[];
  engineKeys: Map<string, EngineKey>;     // settable under engine:
  overrides: Map<string, z.ZodType>;      // settable in sweep: and variants:
}

export function experimentSchema(reg: Registry): ExperimentSchema {
  const fields = harnessFields(reg);
  const engineKeys = new Map([...reg.keys].filter(([name]) => !isOwnedKey(name)));
  const engineShape = Object.fromEntries([...engineKeys].map(([n, k]) => [n, keySchema(k, isSizeKey(n))]));
  const overrides = new Map<string, z.ZodType>([
    ...Object.entries(engineShape),
    ...[...overridableFields(fields)].map(([p, f]) => [p, f.schema] as const),
  ]);
  const optional = (m: Map<string, z.ZodType>) => Object.fromEntries([...m].map(([k, s]) => [k, s.optional()]));

  const variant = z.strictObject({ label: z.string().optional(), ...optional(overrides) });
  const comparison = z.strictObject({
    a: z.string(),
    b: z.string(),
    metric: z.enum(METRICS).prefault("tok_s"),
    published: z.string().transform((text, ctx) => {
      try {
        return parsePublished(text);
      } catch (e) {
        if (!(e instanceof PublishedError)) throw e;
        ctx.issues.push({ code: "custom", message: e.message, input: text });
        return z.NEVER;
      }
    }),
    source: z.string().trim().min(1),
  });

  const schema = z.strictObject({
    ...nest(fields),
    engine: z.strictObject(optional(new Map(Object.entries(engineShape)))).prefault({}),
    sweep: z.strictObject(Object.fromEntries([...overrides].map(([k, s]) => [k, z.array(s).min(1).optional()]))).prefault({}),
    variants: z.record(z.string().regex(VARIANT_NAME, "variant names use letters, digits and . _ + -"), variant).prefault({}),
    compare: z.array(comparison).prefault([]),
    simulate: simulateSection(reg).optional(),
  });
  return { schema, fields, engineKeys, overrides };
}
