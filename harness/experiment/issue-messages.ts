// Schema issues (zod) rewritten as problems a person can act on: what was found, what would
// be valid, and for a mistyped key the close matches.
import type { z } from "zod";
import { fieldForKey, isOwnedKey } from "../engine/owned-keys.ts";
import { closeMatches, didYouMean } from "../util/did-you-mean.ts";
import type { Path } from "./diagnostic.ts";
import type { Problem } from "./problem.ts";
import type { ExperimentSchema } from "./schema.ts";
import { keysAt, validAt } from "./schema-help.ts";

type Issue = z.core.$ZodIssue & { input?: unknown };

export function issueProblems(issue: Issue, s: ExperimentSchema): Problem[] {
  const path = issue.path as Path;
  const valid = validAt(s, path);
  const expected = valid ? `; expected ${valid}` : "";
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => ({ path: [...path, k], atKey: true, message: unknownKey(s, path, k) }));
    case "invalid_type":
      if (path.length === 0) return [{ path, message: `the file holds ${kind(issue.input)}; it must be a mapping with keys ${keysAt(s, [])!.join(", ")}` }];
      if (issue.input === undefined) return [{ path, message: `missing${expected || `; expected ${issue.expected}`}` }];
      return [{ path, message: `${show(issue.input)} is not valid${expected || `; expected ${issue.expected}`}` }];
    case "invalid_value": {
      if (issue.input === undefined) return [{ path, message: `missing${expected}` }];
      const values = issue.values.map(String);
      return [{ path, message: `${show(issue.input)} is not valid; expected ${values.join(" | ")}${didYouMean(String(issue.input), values)}` }];
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      if (issue.origin === "array") return [{ path, message: issue.code === "too_small" && issue.minimum === 1 ? "the list is empty; give at least one value" : `the list must hold ${bound} values` }];
      const what = issue.origin === "string" ? "text" : "value";
      return [{ path, message: `${show(issue.input)}: the ${what} must be ${bound}${expected}` }];
    }
    case "invalid_format":
      return [{ path, message: `${show(issue.input)}: ${issue.message}` }];
    case "invalid_key":
      return [{ path, atKey: true, message: `${show(issue.input)}: ${issue.issues.map((i) => i.message).join("; ")}` }];
    case "custom":
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: `${issue.message}${expected}` }];
  }
}

function unknownKey(s: ExperimentSchema, parent: Path, key: string): string {
  const inSettings = parent[0] === "engine" || parent[0] === "sweep" || parent[0] === "variants";
  if (inSettings && isOwnedKey(key)) {
    const field = fieldForKey(key);
    return field ? `"${key}" is set from the experiment's ${field}; write ${field} instead`
      : `"${key}" is set by the harness itself and cannot be written here`;
  }
  const known = keysAt(s, parent) ?? [];
  const hint = didYouMean(key, known);
  // Short lists are spelled out; long ones (the engine's keys) only through the close matches.
  const list = known.length <= 12 ? `; valid keys: ${known.join(", ")}` : closeMatches(key, known).length ? "" : "; see the engine keys in README.md";
  return `unknown key "${key}"${hint}${list}`;
}

function kind(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v === null) return "nothing";
  return typeof v === "string" ? "text" : `a ${typeof v}`;
}

function show(v: unknown): string {
  if (typeof v === "string") return `"${v}"`;
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
