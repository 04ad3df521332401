// The warm-up regime as a metric: tok/s over the tokens a run leaves out of its steady-state
// figures (caches filling), so that a comparison can be shown in both regimes (DESIGN §4).

import type { RunRecord } from "../results/run-record.ts";

/** Tok/s over warm-up tokens 2..W (the first token also opens files and faults in the resident
 * weights); null when the run has fewer than 3 warm-up tokens or no per-token times. */
export function warmupTokS(r: RunRecord): number | null {
  const times = r.samples?.tokenTimesS;
  const d = r.derived;
  if (!times || !d) return null;
  const warm = d.tokens - d.measuredTokens;
  if (warm < 3 || times.length < warm) return null;
  const xs = times.slice(1, warm);
  const s = xs.reduce((a, x) => a + x, 0);
  return s > 0 ? xs.length / s : null;
}

/** The warm-up token count of a set of runs (the first ok run's), for labels. */
export const warmupTokens = (records: readonly RunRecord[]): number | null => {
  const d = records.find((r) => r.status === "ok" && r.derived)?.derived;
  return d ? d.tokens - d.measuredTokens : null;
};
