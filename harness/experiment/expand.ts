// Expansion of a validated experiment into its runs: configurations (sweep points × variants)
// resolved and checked, then repeated with the repeats interleaved (c1 c2 c3 c1 c2 c3 …) so
// drift over time spreads evenly across configurations. Pure: same document, same plan.
import path from "node:path";
import type { Registry } from "../engine/registry.ts";
import { isSizeKey } from "../engine/sized-keys.ts";
import type { Field } from "./fields.ts";
import type { Plan, RunSpec } from "./plan.ts";
import type { Problem } from "./problem.ts";
import type { ExperimentDoc, Value } from "./schema.ts";
import { baseSettings, configs } from "./settings.ts";
import { resolve } from "./resolve.ts";
import { checkResolved } from "./checks.ts";
import { checkComparisons } from "./compare-checks.ts";
import { formatSize } from "../util/sizes.ts";

export type Expanded = { ok: true; plan: Plan } | { ok: false; problems: Problem[] };

/** `file` names the experiment; paths written inside it are relative to its directory and,
 *  given `exists`, must exist. */
export function expand(doc: ExperimentDoc, reg: Registry, fields: Field[], file: string, exists?: (path: string) => boolean): Expanded {
  const base = baseSettings(doc, fields);
  const show = (k: string, v: Value) => (isSizeKey(k) || k.startsWith("machine.") ? formatSize(Number(v)).replace(" ", "") : String(v));
  const { configs: all, problems } = configs(doc, base, show);
  problems.push(...checkComparisons(doc));

  const resolved = all.map((c) => {
    const r = resolve(reg, c.settings, path.dirname(file));
    problems.push(...r.problems);
    if (r.resolved) problems.push(...checkResolved(reg, r.resolved, c.settings, exists));
    return { config: c, resolved: r.resolved };
  });
  if (problems.length > 0) return { ok: false, problems };

  const runs: RunSpec[] = [];
  for (let repeat = 1; repeat <= doc.workload.repeats; repeat++) {
    for (const { config, resolved: r } of resolved) {
      runs.push({
        id: `${config.id}#${repeat}`, index: runs.length, config: config.id, variant: config.variant,
        label: config.label, repeat, point: config.point, ...r!,
      });
    }
  }
  return {
    ok: true,
    plan: {
      name: doc.name, description: doc.description ?? "", file,
      configs: all.map((c) => c.id), repeats: doc.workload.repeats, runs, compare: doc.compare,
      ...(doc.simulate ? { simulate: doc.simulate } : {}),
    },
  };
}
