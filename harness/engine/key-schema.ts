// Zod schema of one engine key, derived from its registry entry (type, range, allowed values),
// so an experiment file is checked against what the compiled engine accepts.
import { z } from "zod";
import type { EngineKey } from "./registry.ts";
import { sizeSchema } from "../util/size-schema.ts";

/** Schema for a value of `key`. A size key (sized-keys.ts) takes "9.8GB"-style text too; its
 *  range is checked after conversion to this machine's bytes (checks.ts), not here. */
export function keySchema(key: EngineKey, isSize = false): z.ZodType {
  switch (key.type) {
    case "int":
    case "real": {
      if (key.values) return z.literal(key.values as number[]);
      if (isSize) return sizeSchema();
      let n = key.type === "int" ? z.number().int() : z.number();
      if (key.min !== undefined) n = n.min(key.min);
      if (key.max !== undefined) n = n.max(key.max);
      return n;
    }
    case "bool":
      return z.boolean();
    case "enum": {
      // YAML may write an enum value as a number (bits: 2); the registry lists text.
      const values = (key.values ?? []).map(String) as [string, ...string[]];
      return z.union([z.string(), z.number()]).transform(String).pipe(z.enum(values));
    }
    case "str":
      return z.string();
  }
}
