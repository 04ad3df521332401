// From the text of an experiment file to its plan, or to every error found in it, located by
// line and column: YAML syntax, then the schema, then impossible values. Pure: the only
// contact with the file system is the optional `exists` check for the paths it names.
import type { Registry } from "../engine/registry.ts";
import type { Diagnostic } from "./diagnostic.ts";
import { expand } from "./expand.ts";
import { issueProblems } from "./issue-messages.ts";
import type { Plan } from "./plan.ts";
import { toDiagnostics } from "./problem.ts";
import { experimentSchema, type ExperimentDoc, type ExperimentSchema } from "./schema.ts";
import { parseYaml } from "./yaml-source.ts";

export type Planned = { ok: true; plan: Plan } | { ok: false; diagnostics: Diagnostic[] };

const schemas = new WeakMap<Registry, ExperimentSchema>();

export function schemaFor(reg: Registry): ExperimentSchema {
  let s = schemas.get(reg);
  if (!s) schemas.set(reg, (s = experimentSchema(reg)));
  return s;
}

export function planExperiment(text: string, file: string, reg: Registry, exists?: (path: string) => boolean): Planned {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) return parsed;
  const src = parsed.source;
  const s = schemaFor(reg);
  const checked = s.schema.safeParse(src.data, { reportInput: true });
  if (!checked.success) return { ok: false, diagnostics: toDiagnostics(src, checked.error.issues.flatMap((i) => issueProblems(i, s))) };

  const doc = checked.data as ExperimentDoc;
  // The schema returns keys in its own order; the sweep's nesting follows the file's.
  doc.sweep = inOrderOf(doc.sweep, (src.data as { sweep?: object }).sweep);
  const expanded = expand(doc, reg, s.fields, file, exists);
  if (!expanded.ok) return { ok: false, diagnostics: toDiagnostics(src, expanded.problems) };
  return expanded;
}

function inOrderOf<T>(obj: Record<string, T>, order: object | undefined): Record<string, T> {
  const keys = Object.keys(order ?? {}).filter((k) => k in obj);
  return Object.fromEntries(keys.map((k) => [k, obj[k]!]));
}
