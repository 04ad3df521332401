// The report's comparisons: per `compare:` entry the measured change with its 95 % interval,
// the published claim, the verdict by DESIGN §6's rules, then both sides' decompositions side by
// side, so the report says why the result matches or differs. Pure: results in, lines out.

import { signedPercent } from "../util/signed-percent.ts";
import { PART_LABELS, type Decomposition, type PartId } from "../theory/decompose.ts";
import type { ComparisonResult } from "./compare-runs.ts";

const ms = (s: number) => (Math.round(s * 1e6) / 1e3 || 0).toFixed(3);
const msSigned = (s: number) => `${s >= 0 ? "+" : "−"}${ms(Math.abs(s))}`;

function whyLines(r: ComparisonResult, a: Decomposition, b: Decomposition): string[] {
  const ids = Object.keys(PART_LABELS) as PartId[];
  const s = (d: Decomposition, id: PartId) => d.parts.find((p) => p.id === id)!.s;
  const out = [`| part (ms per token) | ${r.a} | ${r.b} | b − a |`, "| --- | --- | --- | --- |"];
  out.push(`| observed | ${ms(a.totalS)} | ${ms(b.totalS)} | ${msSigned(b.totalS - a.totalS)} |`);
  for (const id of ids) out.push(`| ${PART_LABELS[id]} | ${ms(s(a, id))} | ${ms(s(b, id))} | ${msSigned(s(b, id) - s(a, id))} |`);
  const delta = b.totalS - a.totalS;
  const movers = ids
    .map((id) => ({ id, d: s(b, id) - s(a, id) }))
    .filter((m) => Math.sign(m.d) === Math.sign(delta) && m.d !== 0)
    .sort((x, y) => Math.abs(y.d) - Math.abs(x.d))
    .slice(0, 2);
  out.push("");
  if (movers.length && delta !== 0)
    out.push(`${r.b} takes ${ms(Math.abs(delta))} ms per token ${delta < 0 ? "less" : "more"} than ${r.a}, mostly in ${movers.map((m) => `${PART_LABELS[m.id]} (${msSigned(m.d)} ms)`).join(" and ")}.`);
  out.push(`Decompositions cover ${a.window === b.window ? a.window : `${a.window} (${r.a}) and ${b.window} (${r.b})`}; the change above is over the measured tokens after warm-up.`);
  return out;
}

/** `decompositionOf(config)`: the decomposition of a configuration, when it was analysed;
 * `warm`: the same comparisons over the warm-up tokens (caches filling), shown and not judged. */
export function compareSection(results: readonly ComparisonResult[], decompositionOf: (config: string) => Decomposition | null, heading = "##",
  warm?: { tokens: number; results: readonly ComparisonResult[] }): string[] {
  if (results.length === 0) return [];
  const out = [`${heading} Comparisons`, ""];
  for (const r of results) {
    const c = r.comparison;
    const point = Object.entries(r.point).map(([k, v]) => `${k}=${v}`).join(", ");
    out.push(`${heading}# ${c.b} vs ${c.a}${point ? ` at ${point}` : ""} (${c.metric})`, "");
    const measured = r.ratio.change === null
      ? "no paired repeats"
      : `${signedPercent(r.ratio.change)}${r.ratio.ci ? ` (95 % interval ${signedPercent(r.ratio.ci.low)} to ${signedPercent(r.ratio.ci.high)})` : ""} over ${r.ratio.pairs.length} paired repeats${r.ratio.unpaired ? `, ${r.ratio.unpaired} unpaired` : ""}`;
    out.push(`- Measured change of ${c.b} relative to ${c.a}: ${measured}.`);
    out.push(`- Published: ${c.published.text} — ${c.source.trim()}`);
    out.push(`- Verdict: **${r.verdict.verdict}** — ${r.verdict.rule}.`);
    const w = warm?.results.find((x) => x.comparison === c && x.a === r.a && x.b === r.b);
    if (w && w.ratio.change !== null)
      out.push(`- While the caches fill (warm-up tokens 2–${warm!.tokens}, not judged): ${signedPercent(w.ratio.change)}${w.ratio.ci ? ` (95 % interval ${signedPercent(w.ratio.ci.low)} to ${signedPercent(w.ratio.ci.high)})` : ""} over ${w.ratio.pairs.length} paired repeats.`);
    out.push("");
    const a = decompositionOf(r.a);
    const b = decompositionOf(r.b);
    if (a && b) out.push(...whyLines(r, a, b), "");
  }
  return out;
}
