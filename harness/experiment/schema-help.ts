// What the schema accepts at a given key path, in words: the keys a mapping may have and the
// values a field takes. Error messages use it to say what would be valid.
import { describeKeyType } from "../engine/key-type.ts";
import { isSizeKey } from "../engine/sized-keys.ts";
import type { Path } from "./diagnostic.ts";
import { EXTRA_SECTIONS, METRICS, type ExperimentSchema } from "./schema.ts";
import { SIMULATE_DOC } from "../sim/simulate-section.ts";

const COMPARISON_KEYS = ["a", "b", "metric", "published", "source"];

/** The keys a mapping at `path` may hold, or undefined where `path` is not a fixed mapping. */
export function keysAt(s: ExperimentSchema, path: Path): string[] | undefined {
  const [head, second] = path;
  if (path.length === 0) return [...new Set([...s.fields.map((f) => f.path.split(".")[0]!), ...Object.keys(EXTRA_SECTIONS)])];
  if (head === "engine" && path.length === 1) return [...s.engineKeys.keys()];
  if (head === "sweep" && path.length === 1) return [...s.overrides.keys()];
  if (head === "variants" && path.length === 2) return ["label", ...s.overrides.keys()];
  if (head === "compare" && typeof second === "number" && path.length === 2) return COMPARISON_KEYS;
  if (head === "simulate" && path.length === 1) return SIMULATE_DOC.map(([key]) => key);
  if (path.some((p) => typeof p !== "string")) return undefined;
  const prefix = `${path.join(".")}.`;
  const children = s.fields.filter((f) => f.path.startsWith(prefix)).map((f) => f.path.slice(prefix.length).split(".")[0]!);
  return children.length > 0 ? [...new Set(children)] : undefined;
}

/** The values accepted at `path`, in words ("integer 1..64", "size", "lru | clock"). */
export function validAt(s: ExperimentSchema, path: Path): string | undefined {
  const [head, second, third] = path;
  if (head === "engine" && typeof second === "string") return keyType(s, second);
  if (head === "sweep" && typeof second === "string")
    return path.length === 2 ? `a list of: ${keyType(s, second) ?? "values"}` : keyType(s, second);
  if (head === "variants" && typeof third === "string") return third === "label" ? "text" : keyType(s, third);
  if (head === "variants" && path.length <= 2) return "a mapping of overrides";
  if (head === "simulate" && typeof second === "string") return SIMULATE_DOC.find(([key]) => key === second)?.[1];
  if (head === "compare") {
    const field = path[2];
    if (field === "a" || field === "b") return "a variant name";
    if (field === "metric") return METRICS.join(" | ");
    if (field === "published") return '"+38%", a range "+32%..+40%", both "+38% (+32%..+40%)", or "> 0%" / "< 0%"';
    if (field === "source") return "text saying where the published figure comes from";
    return path.length === 1 ? "a list of comparisons" : "a mapping with a, b, published, source";
  }
  if (path.every((p) => typeof p === "string")) {
    const f = s.fields.find((x) => x.path === path.join("."));
    if (f) return f.type;
    if (keysAt(s, path)) return "a mapping";
  }
  return undefined;
}

function keyType(s: ExperimentSchema, name: string): string | undefined {
  const key = s.engineKeys.get(name);
  if (key) return describeKeyType(key, isSizeKey(name));
  return s.fields.find((f) => f.path === name)?.type;
}
