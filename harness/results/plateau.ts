// The steady-state rule of DESIGN §5, implemented once: steady state begins where the rolling
// mean of per-token time stops moving by more than a tolerance between consecutive windows,
// after a minimum number of tokens (enough to fill the run's largest cache).

export interface PlateauSettings {
  window: number;     // tokens per window (W)
  tolerance: number;  // largest relative change between consecutive window means (0.05 = 5 %)
  minTokens: number;  // steady state may not begin before this token index
}

/** Defaults: 16-token windows fit twice into a seconds-long smoke run; 10 % is above the window
 * noise of I/O-bound runs on a shared machine (token times there vary by tens of percent, so a
 * 16-token mean moves by several percent), yet the half-against-half check below still rejects
 * any drift of more than 10 % over the rest of a run. */
export const PLATEAU_DEFAULTS: PlateauSettings = { window: 16, tolerance: 0.1, minTokens: 0 };

export type PlateauResult =
  | { plateaued: true; startToken: number; settings: PlateauSettings }
  | { plateaued: false; reason: "too-short" | "unstable"; settings: PlateauSettings };

/** The fewest tokens that could fill a cache of `entries` records when every token brings at
 * most `requestsPerToken` new records (K × layers): a lower bound for the minimum-token rule. */
export function tokensToFill(entries: number, requestsPerToken: number): number {
  if (!(entries > 0) || !(requestsPerToken > 0)) return 0;
  return Math.ceil(entries / requestsPerToken);
}

/**
 * Steady state begins at the first token s ≥ minTokens where (1) the mean of the W tokens from s
 * and the mean of the next W differ by at most `tolerance` (relative to the first), and (2) the
 * rest of the run holds that level: the means of its first and second halves also differ by at
 * most `tolerance`. (1) is DESIGN §5's rule; (2) keeps a pause in a drift or a later regime
 * change from counting as steady, while its long halves average per-token noise away.
 * `times` are per-token times in any one unit.
 */
export function findPlateau(times: readonly number[], settings: Partial<PlateauSettings> = {}): PlateauResult {
  const s = { ...PLATEAU_DEFAULTS, ...settings };
  const w = Math.max(1, Math.floor(s.window));
  const n = times.length;
  const first = Math.max(0, Math.ceil(s.minTokens));
  if (n - first < 2 * w) return { plateaued: false, reason: "too-short", settings: s };

  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + times[i]!;
  const mean = (from: number, to: number) => (prefix[to]! - prefix[from]!) / (to - from);
  const close = (a: number, b: number) => Math.abs(b - a) <= s.tolerance * Math.abs(a);

  for (let start = first; start + 2 * w <= n; start++) {
    const half = start + Math.floor((n - start) / 2);
    if (close(mean(start, start + w), mean(start + w, start + 2 * w)) && close(mean(start, half), mean(half, n)))
      return { plateaued: true, startToken: start, settings: s };
  }
  return { plateaued: false, reason: "unstable", settings: s };
}
