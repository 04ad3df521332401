// Distinct experts of one layer over windows of W consecutive tokens (non-overlapping, whole
// windows only): how large a working set a cache must hold to keep W tokens' experts.

import type { Trace } from "../trace-file.ts";
import { setStart } from "./layer-sets.ts";

/** Mean distinct experts per window of `window` tokens; null when the trace is shorter. */
export function distinctPerWindow(t: Trace, layer: number, window: number): number | null {
  const windows = Math.floor(t.tokens / window);
  if (windows === 0) return null;
  const seen = new Int32Array(t.experts).fill(-1);
  let total = 0;
  for (let w = 0; w < windows; w++)
    for (let tok = w * window; tok < (w + 1) * window; tok++)
      for (let j = 0; j < t.k; j++) {
        const e = t.ids[setStart(t, tok, layer) + j]!;
        if (seen[e] !== w) { seen[e] = w; total++; }
      }
  return total / windows;
}
