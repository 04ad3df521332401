// LRU stack distance of every request of one layer (Mattson et al. 1970): the number of distinct
// other experts requested since this expert's previous request, -1 for a first request. An LRU
// cache of C entries hits exactly the requests with 0 ≤ distance < C, so one pass gives every
// capacity. Counted with a Fenwick tree over request times: O(n log n).

export const COLD = -1;

export function stackDistances(requests: Int32Array, experts: number): Int32Array {
  const n = requests.length;
  const tree = new Int32Array(n + 1); // marks the latest request time of each expert
  const add = (i: number, v: number) => { for (i++; i <= n; i += i & -i) tree[i]! += v; };
  const prefix = (i: number) => { let s = 0; for (i++; i > 0; i -= i & -i) s += tree[i]!; return s; };
  const last = new Int32Array(experts).fill(-1);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const e = requests[i]!;
    const p = last[e]!;
    if (p < 0) out[i] = COLD;
    else {
      out[i] = prefix(i - 1) - prefix(p); // latest-request marks strictly between p and i
      add(p, -1);
    }
    add(i, 1);
    last[e] = i;
  }
  return out;
}

/** Hit rate of an LRU cache of `capacity` entries over the requests from index `from` on
 *  (warm-up: earlier requests fill the cache but are not counted). */
export function lruHitRate(distances: Int32Array, capacity: number, from = 0): number {
  let hits = 0;
  for (let i = from; i < distances.length; i++) { const d = distances[i]!; if (d >= 0 && d < capacity) hits++; }
  return distances.length > from ? hits / (distances.length - from) : 0;
}

/** Histogram bins: cold, 0, 1, 2–3, 4–7, … doubling up to the largest possible distance. */
export function reuseBins(experts: number): { label: string; lo: number; hi: number }[] {
  const bins = [{ label: "cold", lo: COLD, hi: COLD }, { label: "0", lo: 0, hi: 0 }];
  for (let lo = 1; lo < experts; lo *= 2) {
    const hi = Math.min(lo * 2 - 1, experts - 1);
    bins.push({ label: lo === hi ? `${lo}` : `${lo}-${hi}`, lo, hi });
  }
  return bins;
}

export function reuseHistogram(distances: Int32Array, bins: { lo: number; hi: number }[]): number[] {
  const counts = bins.map(() => 0);
  for (const d of distances) counts[bins.findIndex((b) => d >= b.lo && d <= b.hi)]!++;
  return counts;
}
