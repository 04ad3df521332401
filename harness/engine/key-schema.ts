// Zod schema of one engine key, derived from its registry entry (type, range, values, help),
// so an experiment file is checked against what the compiled engine accepts.
import { z } from "zod";
import type { EngineKey } from "./registry.ts";
import { sizeSchema } from "../util/size-schema.ts";

/** Schema for a value of `key`. Size keys (see size-keys.ts) also accept "9.8GB"-style text. */
export function keySchema(key: EngineKey, isSize = false): z.ZodType {
  const meta = { description: key.help, default: key.default, ...rangeMeta(key) };
  switch (key.type) {
    case "int":
    case "real": {
      if (key.values) return z.literal(key.values as number[]).meta(meta);
      if (isSize) return sizeSchema().pipe(bounded(z.number(), key, 0)).meta({ ...meta, format: "size" });
      const n = key.type === "int" ? z.number().int() : z.number();
      return bounded(n, key).meta(meta);
    }
    case "bool":
      return z.boolean().meta(meta);
    case "enum": {
      // Enum values are text in the registry; YAML may give them as numbers (bits: 2).
      const values = (key.values ?? []).map(String);
      return z.union([z.string(), z.number()]).transform(String).pipe(z.enum(values as [string, ...string[]])).meta(meta);
    }
    case "str":
      return z.string().meta(meta);
  }
}

function bounded(n: z.ZodNumber, key: EngineKey, floor?: number): z.ZodNumber {
  const min = floor ?? key.min;
  let out = n;
  if (min !== undefined) out = out.min(min);
  if (key.max !== undefined && floor === undefined) out = out.max(key.max);
  return out;
}

function rangeMeta(key: EngineKey): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (key.min !== undefined) m.min = key.min;
  if (key.max !== undefined) m.max = key.max;
  if (key.values) m.values = key.values;
  return m;
}
