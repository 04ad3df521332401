// Consecutive-token overlap of one layer: the mean share of a token's K experts that the
// previous token of the same sequence also used (pairs across a segment start are skipped).

import type { Trace } from "../trace-file.ts";
import { setStart } from "./layer-sets.ts";

export function consecutiveOverlap(t: Trace, layer: number, segmentStarts: Set<number>): number {
  let shared = 0, pairs = 0;
  for (let tok = 1; tok < t.tokens; tok++) {
    if (segmentStarts.has(tok)) continue;
    const a = setStart(t, tok, layer), b = setStart(t, tok - 1, layer);
    for (let i = 0; i < t.k; i++) for (let j = 0; j < t.k; j++) if (t.ids[a + i] === t.ids[b + j]) shared++;
    pairs++;
  }
  return pairs ? shared / (pairs * t.k) : 0;
}
