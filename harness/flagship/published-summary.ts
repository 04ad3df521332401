// The summary printed after an experiment with published comparisons (and by `bun run summary
// DIR`): tok/s per variant with 95 % intervals and its I/O ceiling as a ratio, each comparison's
// change with interval, published figure and verdict, and the mechanism on this machine. Pure.

import { signedPercent } from "../util/signed-percent.ts";
import { compareRuns } from "../compare/compare-runs.ts";
import { warmupTokS, warmupTokens } from "../compare/warmup-metric.ts";
import type { Comparison } from "../experiment/schema.ts";
import type { RunRecord } from "../results/run-record.ts";
import { FLASH_MOE_NOTES } from "./flash-moe-notes.ts";
import { variantFigures, type Interval, type VariantFigures } from "./variant-figures.ts";

export interface SummaryInput {
  experiment: string;
  records: readonly RunRecord[];
  compare: readonly Comparison[];
  ioCeilingTokS?: ReadonlyMap<string, number>;   // per variant: every routed byte at the device's peak
  paperMachine?: readonly string[];              // `bun run predict --paper-machine` output, when stored
  related?: readonly string[];                   // a related experiment's comparisons, or how to run it
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "–");
const pct = (x: number, d = 1) => `${(x * 100).toFixed(d)} %`;
const iv = (i: Interval, fmt = f2) => (i.low === null || i.high === null ? `${fmt(i.mean)} (n = ${i.n})` : `${fmt(i.mean)} [${fmt(i.low)}–${fmt(i.high)}]`);

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((x, c) => x.padEnd(w[c]!)).join("  ").trimEnd();
  return [line(head), ...rows.map(line)];
}

export function publishedSummary(i: SummaryInput): string[] {
  const figs = variantFigures(i.records);
  if (figs.length === 0) return [`${i.experiment}: no runs recorded`];
  const first = figs[0]!;
  const notes = FLASH_MOE_NOTES[i.experiment];
  const out = [
    `${i.experiment} — summary (L = ${first.layers} of ${first.presetLayers} layers; full model = per-layer time × ${first.presetLayers})`,
    "",
    ...table(
      ["variant", "tok/s [95 % CI]", "ms per layer", "full-model tok/s", "I/O ceiling (obs/ceil)", "runs ok", "direct / fadvise / passes / mode"],
      figs.map((v) => {
        const c = i.ioCeilingTokS?.get(v.variant);
        return [
          v.variant, iv(v.tokS), iv(v.layerMs), iv(v.fullModelTokS),
          c ? `${f2(c)} (${pct(v.tokS.mean / c)})` : "–", `${v.ok}/${v.runs}`,
          `${v.settings.direct} / ${v.settings.fadvise} / ${v.settings.passes} / ${v.settings.mode}`,
        ];
      }),
    ),
  ];

  const results = compareRuns(i.records, i.compare);
  // The same pairs while the caches fill: a regime of its own, shown under each verdict, not judged.
  const warm = warmupTokens(i.records);
  const warmResults = warm === null ? [] : compareRuns(i.records, i.compare, warmupTokS);
  if (results.length) out.push("");
  for (const r of results) {
    const at = Object.entries(r.point).map(([k, v]) => `${k}=${v}`).join(", ");
    const measured = r.ratio.change === null ? "no paired repeats"
      : `${signedPercent(r.ratio.change)}${r.ratio.ci ? ` (95 % CI ${signedPercent(r.ratio.ci.low)} to ${signedPercent(r.ratio.ci.high)})` : ""}, ${r.ratio.pairs.length} pairs`;
    out.push(`${r.comparison.b} vs ${r.comparison.a}${at ? ` at ${at}` : ""}: ${measured}; published ${r.comparison.published.text}; verdict: ${r.verdict.verdict} (${r.verdict.rule})`);
    const w = warmResults.find((x) => x.comparison === r.comparison && x.a === r.a && x.b === r.b);
    if (w && w.ratio.change !== null) {
      const ci = w.ratio.ci ? ` (95 % CI ${signedPercent(w.ratio.ci.low)} to ${signedPercent(w.ratio.ci.high)})` : "";
      out.push(`  while the caches fill (warm-up tokens 2–${warm}): ${signedPercent(w.ratio.change)}${ci}, ${w.ratio.pairs.length} pairs; not judged: the verdict is on the steady state after them`);
    }
  }

  out.push("", "Mechanism on this machine (whole runs, warm-up included):", ...mechanismTable(figs));
  if (notes?.waitShare) {
    const v = figs.find((x) => x.variant === notes.waitShare!.variant);
    if (v) {
      const inside = v.waitShare >= notes.waitShare.low && v.waitShare <= notes.waitShare.high;
      out.push(`${v.variant} waits on expert I/O for ${pct(v.waitShare)} of its time at dense.passes ${v.settings.passes}: ${inside ? "inside" : "OUTSIDE"} the ${pct(notes.waitShare.low, 0)}–${pct(notes.waitShare.high, 0)} target (${notes.waitShare.why}).`);
    }
  }
  if (notes?.pageCacheHitRate) {
    const v = figs.find((x) => x.variant === notes.pageCacheHitRate!.variant);
    if (v) out.push(`${v.variant} page-cache hit rate ${pct(v.pageCacheHitRate)} beside the paper's ${pct(notes.pageCacheHitRate.value, 0)} (${notes.pageCacheHitRate.why}).`);
  }
  for (const v of figs)
    if (v.prefetch)
      out.push(`${v.variant} prefetch: ${f2(v.prefetch.readMBPerToken)} MB per token read ahead, ${f2(v.prefetch.wastedMBPerToken)} MB of it never used; ${v.prefetch.useful} of ${v.prefetch.issued} prefetches useful (${pct(v.prefetch.useful / v.prefetch.issued)}).`);
  const noisy = figs.reduce((t, v) => t + v.noisy, 0);
  const runs = figs.reduce((t, v) => t + v.runs, 0);
  if (noisy) out.push(`Noise: ${noisy} of ${runs} runs flagged noisy (other tenants' CPU or disk traffic above the limits); figures are as measured.`);
  if (i.paperMachine?.length) out.push("", "What-if, the paper's M3 Max (predicted, not measured):", ...i.paperMachine.map((l) => `  ${l}`));
  if (i.related?.length) out.push("", ...i.related);
  if (notes) out.push("", ...notes.mechanisms);
  return out;
}

function mechanismTable(figs: VariantFigures[]): string[] {
  return table(
    ["variant", "app hits", "page-cache hits", "device MB/tok", "disk MB/tok (read amp.)", "copy ms/tok", "I/O wait", "reclaim scan/steal/refault (system)", "limit hits", "PSI some mem/io s"],
    figs.map((v) => [
      v.variant, pct(v.appHitRate), pct(v.pageCacheHitRate), f2(v.deviceMBPerToken),
      v.osDeviceMBPerToken === null ? "–" : `${f2(v.osDeviceMBPerToken)} (×${f2(v.readAmplification ?? NaN)})`,
      f2(v.copyMsPerToken), pct(v.waitShare),
      v.reclaim ? `${v.reclaim.scanned}/${v.reclaim.stolen}/${v.reclaim.refaults}` : "–",
      v.reclaim ? String(v.reclaim.limitHits) : "–",
      v.pressure ? `${f2(v.pressure.memoryS)}/${f2(v.pressure.ioS)} (${v.pressure.scope})` : "–",
    ]),
  );
}
