// The experiment-file reference in Markdown, generated from the schema's field table and the
// engine's registry, so the docs say exactly what validation accepts.
import type { EngineKey } from "../engine/registry.ts";
import { describeKeyType } from "../engine/key-type.ts";
import { isSizeKey, SIZED_KEYS } from "../engine/sized-keys.ts";
import { SECTIONS } from "../experiment/fields.ts";
import { EXTRA_SECTIONS, METRICS, type ExperimentSchema } from "../experiment/schema.ts";
import { SIZE_UNITS } from "../util/sizes.ts";
import { SIMULATE_DOC } from "../sim/simulate-section.ts";

export function experimentReference(s: ExperimentSchema): string {
  const out: string[] = [
    "Every key below is checked; unknown keys are errors. **Sizes** are written `9.8GB`, `9.8 GB`, `512MiB`, `1e9` or a plain number of bytes",
    `(units ${SIZE_UNITS.map((u) => `\`${u}\``).join(", ")}; kB…TB are powers of 1000, KiB…TiB powers of 1024).`,
    "They are sizes on the *emulated* machine: the harness multiplies memory sizes by s = L / the preset's layers",
    "for this machine and records both values; global budgets in entries scale the same way, per-layer ones do not.",
    "",
  ];
  out.push("#### Top level", "", table(s.fields.filter((f) => !f.path.includes(".")).map((f) =>
    [code(f.path), cell(f.type), f.required ? "required" : "—", cell(f.help)])));
  for (const [section, text] of Object.entries(SECTIONS)) {
    out.push(`#### \`${section}:\``, "", text, "");
    out.push(table(s.fields.filter((f) => f.path.startsWith(`${section}.`)).map((f) =>
      [code(f.path), cell(f.type), f.required ? "required" : cell(f.default ?? "—"), cell(f.help)])));
  }
  out.push(`#### \`engine:\``, "", EXTRA_SECTIONS.engine!, "");
  out.push(table([...s.engineKeys.values()].map((k) => [code(k.name), cell(accepts(k)), cell(defaultOf(k)), cell(k.help)])));

  for (const section of ["sweep", "variants"]) out.push(`#### \`${section}:\``, "", EXTRA_SECTIONS[section]!, "");
  out.push("Overridable harness fields: " + [...s.overrides.keys()].filter((k) => !s.engineKeys.has(k)).map(code).join(", ") + ".", "");

  out.push(`#### \`compare:\``, "", EXTRA_SECTIONS.compare!, "");
  out.push(table([
    ["`a`", "variant name", "required", "The baseline variant."],
    ["`b`", "variant name", "required", "The variant whose change relative to `a` was published."],
    ["`metric`", cell(METRICS.join(" | ")), '"tok_s"', "What is compared: tokens per second."],
    ["`published`", "text", "required", cell('"+38%", a range "+32%..+40%", both "+38% (+32%..+40%)", or a direction "> 0%" / "< 0%".')],
    ["`source`", "text", "required", "Where the published figure comes from."],
  ]));
  out.push(`#### \`simulate:\``, "", EXTRA_SECTIONS.simulate!, "");
  out.push(table(SIMULATE_DOC.map(([key, accepts, dflt, help]) => [code(key), cell(accepts), cell(dflt), cell(help)])));
  return out.join("\n");
}

function accepts(k: EngineKey): string {
  const spec = SIZED_KEYS[k.name];
  const type = describeKeyType(k, isSizeKey(k.name));
  if (!spec) return type;
  return `${type} (${spec.scaling === "budget" ? "scales with s unless cache.scope is per-layer" : "not scaled"})`;
}

function defaultOf(k: EngineKey): string {
  return JSON.stringify(k.default);
}

function table(rows: string[][]): string {
  return ["| key | accepts | default | description |", "|---|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`), ""].join("\n");
}

function code(s: string): string {
  return `\`${s}\``;
}

/** Table cells: pipes escaped, newlines folded. */
function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}
