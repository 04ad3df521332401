// The change of variant b relative to variant a from paired repeats: repeat i of a ran next to
// repeat i of b (interleaved), so each pair shares the machine's state at that time. The
// interval is a Student-t 95 % interval on the mean log ratio, mapped back to a change.

import { ci95, mean } from "../results/summary-stats.ts";

export interface Pair {
  repeat: number;
  a: number;             // the metric of a's run (tok/s)
  b: number;
  change: number;        // b / a − 1
}

export interface PairedRatio {
  pairs: Pair[];
  unpaired: number;      // repeats where only one side has a usable run
  change: number | null; // geometric-mean ratio − 1 (0.38 = +38 %)
  ci: { low: number; high: number } | null; // of the change; null below two pairs
  halfWidth: number | null; // (high − low) / 2, in the same units (0.1 = 10 points)
}

/** `a` and `b` map repeat number → metric; non-positive or non-finite values are unusable. */
export function pairedRatio(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): PairedRatio {
  const usable = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v > 0;
  const repeats = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  const pairs: Pair[] = [];
  let unpaired = 0;
  for (const r of repeats) {
    const va = a.get(r);
    const vb = b.get(r);
    if (usable(va) && usable(vb)) pairs.push({ repeat: r, a: va, b: vb, change: vb / va - 1 });
    else unpaired++;
  }
  const logs = pairs.map((p) => Math.log(p.b / p.a));
  const ci = ci95(logs);
  const interval = ci && { low: Math.exp(ci.low) - 1, high: Math.exp(ci.high) - 1 };
  return {
    pairs,
    unpaired,
    change: logs.length ? Math.exp(mean(logs)) - 1 : null,
    ci: interval,
    halfWidth: interval && (interval.high - interval.low) / 2,
  };
}
