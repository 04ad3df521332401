// The bottleneck report's warnings for one variant: numbers that are suspect or conditions that
// undermine them — each a sentence saying what was seen and what it means.

import { REMAINDER_WARN, type Decomposition } from "./decompose.ts";
import type { Observation } from "./observation.ts";

export const WARN = {
  amplification: 1.2,       // OS device bytes / bytes asked of the OS
  underAttributed: 0.9,     // OS device bytes / engine-attributed device bytes
  spread: 0.05,             // (max − min) / median of tok/s over repeats
  hitRate: 0.99,            // share of routed bytes served from a cache
  minDeviceBytes: 1e6,      // below this many device bytes per token, byte ratios are noise
} as const;

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function variantWarnings(o: Observation, d: Decomposition, tokS: readonly number[]): string[] {
  const w: string[] = [];
  const c = o.conditions;
  const t = o.traffic;
  const os = c.osDeviceBytesPerToken;
  const counted = c.attributedDeviceBytesPerToken;
  if (os !== null && counted > WARN.minDeviceBytes && os < WARN.underAttributed * counted)
    w.push(`the OS read ${(os / 1e6).toFixed(2)} MB per token from the device, less than the ${(counted / 1e6).toFixed(2)} MB the page-cache attribution counted as device bytes: pages arrived between the residency check and the read (readahead of a neighbour), so device parts are overstated`);
  if (c.readAmplification !== null && c.readAmplification > WARN.amplification)
    w.push(`read amplification ${c.readAmplification.toFixed(2)} (device bytes / bytes asked), above ${WARN.amplification}: readahead reads bytes nobody asked for${d.amplificationS !== null ? `, ${(d.amplificationS * 1e3).toFixed(3)} ms per token of the I/O inefficiency` : ""}`);
  if (c.noisy) {
    const which = c.runs > 1 ? ` in ${c.noisyRuns} of ${c.runs} runs${c.noisyRuns > 1 ? ", the first" : ""}` : "";
    w.push(`noisy${which}: ${c.noiseReasons.join("; ") || "flagged by the run's noise counters"}`);
  }
  if (tokS.length > 1) {
    const sorted = [...tokS].sort((a, b) => a - b);
    const mid = sorted[Math.floor(sorted.length / 2)]!;
    const spread = (sorted.at(-1)! - sorted[0]!) / mid;
    if (spread > WARN.spread) w.push(`tok/s spread ${pct(spread)} between repeats (above ${pct(WARN.spread)}): more repeats or a quieter machine`);
  }
  const cached = t.requested > 0 ? (t.appCache + t.pageCache) / t.requested : 0;
  if (t.requested > 0 && cached >= WARN.hitRate)
    w.push(`${pct(cached)} of routed bytes came from a cache: this run measures hits, not the device`);
  if (c.budgetEnforced === false) w.push(`memory budget not enforced${c.budgetNote ? ` (${c.budgetNote})` : ""}: the page cache could grow beyond the emulated machine's`);
  if (c.steady === false) w.push("steady state not reached in every run: the figures mix warm-up and steady state");
  const rem = d.parts.at(-1)!;
  if (Math.abs(rem.share) > REMAINDER_WARN)
    w.push(`remainder ${pct(rem.share)} of the time per token (${(rem.s * 1e3).toFixed(3)} ms): the parts do not explain the observation${rem.s < 0 ? " — they claim more time than was observed" : ""}`);
  for (const n of d.notes) w.push(n.text);
  return w;
}
