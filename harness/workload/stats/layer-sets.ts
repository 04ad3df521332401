// One layer's routing as the statistics read it: the K experts of token t are
// ids[base(t) .. base(t)+k), base(t) = (t·layers + layer)·k.

import type { Trace } from "../trace-file.ts";

export const setStart = (t: Trace, token: number, layer: number): number => (token * t.layers + layer) * t.k;

/** The layer's requests in replay order (token by token, slots in routing order). */
export function layerRequests(t: Trace, layer: number): Int32Array {
  const out = new Int32Array(t.tokens * t.k);
  for (let tok = 0; tok < t.tokens; tok++) out.set(t.ids.subarray(setStart(t, tok, layer), setStart(t, tok, layer) + t.k), tok * t.k);
  return out;
}
