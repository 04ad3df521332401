// Popularity skew of one layer: the share of its requests that go to its most requested 10 %
// of experts (uniform routing gives about 10 %).

import type { Trace } from "../trace-file.ts";
import { layerRequests } from "./layer-sets.ts";

export function topShare(t: Trace, layer: number, fraction = 0.1): number {
  const counts = new Float64Array(t.experts);
  const req = layerRequests(t, layer);
  for (const e of req) counts[e]!++;
  counts.sort().reverse();
  const top = Math.max(1, Math.ceil(fraction * t.experts));
  let sum = 0;
  for (let i = 0; i < top; i++) sum += counts[i]!;
  return req.length ? sum / req.length : 0;
}
