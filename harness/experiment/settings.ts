// The settings of one configuration — harness fields and engine keys, each with the key path
// it came from — layered as: the file's base values, then a sweep point, then a variant.
import type { Field } from "./fields.ts";
import type { Path } from "./diagnostic.ts";
import type { Problem } from "./problem.ts";
import type { ExperimentDoc, Value } from "./schema.ts";

export interface Setting {
  value: Value;
  from: Path;                 // where it was written (for error messages)
}

export type Settings = Map<string, Setting>;   // by harness path or engine key

export interface Config {
  id: string;
  variant: string;
  label: string;
  point: Record<string, Value>;
  settings: Settings;
}

/** Cartesian product of the sweep axes, in file order, the last axis varying fastest. */
export function sweepPoints(sweep: Record<string, Value[]>): { point: Record<string, Value>; index: Record<string, number> }[] {
  let out = [{ point: {} as Record<string, Value>, index: {} as Record<string, number> }];
  for (const [axis, values] of Object.entries(sweep)) {
    out = out.flatMap((p) => values.map((v, i) => ({ point: { ...p.point, [axis]: v }, index: { ...p.index, [axis]: i } })));
  }
  return out;
}

export function baseSettings(doc: ExperimentDoc, fields: Field[]): Settings {
  const s: Settings = new Map();
  for (const f of fields) {
    const path = f.path.split(".");
    const value = path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
    if (value !== undefined) s.set(f.path, { value: value as Value, from: path });
  }
  for (const [k, v] of Object.entries(doc.engine)) s.set(k, { value: v, from: ["engine", k] });
  return s;
}

/** Every configuration (sweep points × variants, variants innermost) with its settings. */
export function configs(doc: ExperimentDoc, base: Settings, show: (key: string, v: Value) => string): { configs: Config[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const variants = Object.entries(doc.variants);
  const named = variants.length > 0 ? variants : [["base", {}] as [string, Record<string, Value>]];
  for (const [name, overrides] of variants)
    for (const key of Object.keys(overrides))
      if (key in doc.sweep)
        problems.push({ path: ["variants", name, key], atKey: true, message: `"${key}" is also a sweep axis; a setting is either swept or set by variants, not both` });

  const out: Config[] = [];
  for (const { point, index } of sweepPoints(doc.sweep)) {
    for (const [name, overrides] of named) {
      const settings: Settings = new Map(base);
      for (const [k, v] of Object.entries(point)) settings.set(k, { value: v, from: ["sweep", k, index[k]!] });
      const { label, ...rest } = overrides as Record<string, Value> & { label?: string };
      for (const [k, v] of Object.entries(rest)) settings.set(k, { value: v, from: ["variants", name, k] });
      const pointText = Object.entries(point).map(([k, v]) => `${k}=${show(k, v)}`).join(",");
      out.push({ id: pointText ? `${name}[${pointText}]` : name, variant: name, label: label ?? name, point, settings });
    }
  }
  return { configs: out, problems };
}
