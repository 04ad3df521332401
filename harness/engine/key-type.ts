// One-line description of an engine key's accepted values ("integer 1..64", "lru | clock"),
// for help text, error messages and the generated reference.
import type { EngineKey } from "./registry.ts";

export function describeKeyType(key: EngineKey, isSize = false): string {
  if (isSize) return "size";
  if (key.values) return key.values.map((v) => (v === "" ? '""' : String(v))).join(" | ");
  switch (key.type) {
    case "int":
      return `integer${range(key)}`;
    case "real":
      return `number${range(key)}`;
    case "bool":
      return "true | false";
    case "enum":
      return "text";
    case "str":
      return "text";
  }
}

function range(key: EngineKey): string {
  if (key.min === undefined && key.max === undefined) return "";
  return ` ${key.min ?? ""}..${key.max ?? ""}`;
}
