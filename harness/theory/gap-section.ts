// The bottleneck report's markdown: every variant beside its four ceilings, its time per token
// split into the decomposition's parts, one verdict sentence each, the warnings, and the
// sources of any published rates. Pure: analyses in, lines out.

import { PART_LABELS, type PartId } from "./decompose.ts";
import { CEILING_LABELS, CEILING_SHORT, type Ceiling, type CeilingId } from "./ceilings.ts";
import type { VariantAnalysis } from "./variant-analysis.ts";

type Analysis = Pick<VariantAnalysis, "variant" | "observation" | "ceilings" | "decomposition" | "verdict" | "warnings">;

const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const rule = (n: number) => row(Array(n).fill("---"));
// Rounds first, so that a remainder of −0.0001 ms reads 0.000, not -0.000.
const fmtMs = (s: number) => (Math.round(s * 1e6) / 1e3 || 0).toFixed(3);
export const fmtPct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function fmtTokS(t: number | null): string {
  if (t === null) return "–";
  if (t === Infinity) return "unbounded";
  return t >= 100 ? t.toFixed(0) : t.toFixed(2);
}

function ceilingCell(c: Ceiling | undefined): string {
  if (!c || c.tokS === null) return "–";
  if (c.tokS === Infinity) return "unbounded";
  return `${fmtTokS(c.tokS)} (${c.ratio === null ? "–" : fmtPct(c.ratio)})`;
}

export function ceilingLines(as: readonly Analysis[]): string[] {
  const ids = Object.keys(CEILING_LABELS) as CeilingId[];
  const out = [row(["variant", "observed tok/s", ...ids.map((id) => CEILING_SHORT[id])]), rule(ids.length + 2)];
  for (const a of as) out.push(row([a.variant, fmtTokS(a.observation.tokS), ...ids.map((id) => ceilingCell(a.ceilings.find((c) => c.id === id)))]));
  out.push("", `Each ceiling as tok/s, observed / ceiling in brackets: ${ids.map((id) => CEILING_LABELS[id]).join("; ")}. What each rests on:`, "");
  for (const a of as) for (const c of a.ceilings.filter((x) => x.id !== "serial" && x.id !== "overlapped")) out.push(`- ${a.variant}, ${c.label}: ${c.basis}`);
  return out;
}

export function decompositionLines(as: readonly Analysis[]): string[] {
  const ids = Object.keys(PART_LABELS) as PartId[];
  const out = [row(["part (ms per token, share)", ...as.map((a) => a.variant)]), rule(as.length + 1)];
  out.push(row(["observed", ...as.map((a) => `${fmtMs(a.decomposition.totalS)} (100 %)`)]));
  for (const id of ids)
    out.push(row([id === "remainder" ? `**${PART_LABELS[id]}**` : PART_LABELS[id], ...as.map((a) => {
      const p = a.decomposition.parts.find((x) => x.id === id)!;
      return `${fmtMs(p.s)} (${fmtPct(p.share)})`;
    })]));
  out.push("");
  const hidden = as.filter((a) => a.decomposition.hiddenIoS > 0);
  for (const a of hidden) out.push(`${a.variant}: ${fmtMs(a.decomposition.hiddenIoS)} ms per token of reads at ceiling speed ran hidden under compute (overlapped pipeline).`);
  if (hidden.length) out.push("");
  const windows = [...new Set(as.map((a) => a.observation.windowNote))];
  out.push(`Per-token figures cover ${windows.join("; ")}. Each part is computed from its own measurement (the bytes by source at the profile's rates, stage CPU times, prefetch counters); the remainder is what they leave unexplained.`);
  return out;
}

/** The whole section: ceilings, decomposition, verdicts, warnings, sources. */
export function gapSection(as: readonly Analysis[], heading = "##"): string[] {
  if (as.length === 0) return [];
  const out = [`${heading} Ceilings`, "", ...ceilingLines(as), "", `${heading} Where the time goes`, "", ...decompositionLines(as), "", `${heading} Verdicts`, ""];
  for (const a of as) out.push(`- ${a.verdict}`);
  out.push("");
  const warned = as.filter((a) => a.warnings.length);
  if (warned.length) {
    out.push(`${heading} Bottleneck warnings`, "");
    for (const a of warned) for (const w of a.warnings) out.push(`- ${a.variant}: ${w}`);
    out.push("");
  }
  const sources = [...new Set(as.flatMap((a) => a.ceilings.flatMap((c) => c.sources)))];
  if (sources.length) out.push(`${heading} Sources of published rates`, "", ...sources.map((s) => `- ${s}`), "");
  return out;
}
