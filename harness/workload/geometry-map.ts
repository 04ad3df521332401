// Fitting a trace to the model that will replay it: the trace fixes the geometry it can drive
// (layers, experts per layer, K), and any difference is an error unless a mapping is asked for.

import type { Trace } from "./trace-file.ts";
import { TraceError } from "./trace-error.ts";

export interface RoutingGeometry {
  layers: number;
  experts: number;
  k: number;
}

/** exact — the trace must have the model's layer count;
 *  first — a trace with more layers drives the model with its first L layers;
 *  cycle — layer l replays trace layer l mod L_trace (a shorter trace drives a deeper model;
 *          repeated layers are perfectly correlated with each other, which a per-layer cache
 *          does not see but a global one does). */
export type LayerMap = "exact" | "first" | "cycle";
export const LAYER_MAPS: readonly LayerMap[] = ["exact", "first", "cycle"];
/** exact — same K; top — a trace with more experts per token keeps its first K (routing order
 *  is descending gate weight) and renormalises their weights. */
export type KMap = "exact" | "top";
export const K_MAPS: readonly KMap[] = ["exact", "top"];

export interface Mapping {
  layers: LayerMap;
  k: KMap;
}

/** The trace as the model will see it, or a TraceError saying which mapping would make it fit. */
export function fitTrace(t: Trace, g: RoutingGeometry, map: Mapping, file: string): Trace {
  if (t.experts !== g.experts)
    throw new TraceError(file, null, `the trace has ${t.experts} experts per layer, the model ${g.experts}; expert ids ` +
      "do not carry over between models — record a trace on this geometry or use a synthetic workload");
  if (t.layers !== g.layers) {
    if (map.layers === "exact")
      throw new TraceError(file, null, `the trace has ${t.layers} layers, the model ${g.layers}; ask for a mapping: ` +
        (t.layers > g.layers ? "first (use its first layers) or cycle" : "cycle (layer l replays trace layer l mod " + `${t.layers})`));
    if (map.layers === "first" && t.layers < g.layers)
      throw new TraceError(file, null, `layer mapping "first" needs at least ${g.layers} trace layers, the trace has ` +
        `${t.layers}; use cycle`);
  }
  if (t.k !== g.k) {
    if (map.k === "exact" || t.k < g.k)
      throw new TraceError(file, null, `the trace routes ${t.k} experts per token, the model K=${g.k}; ` +
        (t.k > g.k ? `ask for k mapping "top" (keep the first ${g.k} by gate weight)` : "K cannot be raised from a trace"));
  }
  if (t.layers === g.layers && t.k === g.k) return t;
  const n = t.tokens * g.layers * g.k;
  const ids = new Int32Array(n);
  const weights = new Float32Array(n);
  for (let tok = 0; tok < t.tokens; tok++)
    for (let l = 0; l < g.layers; l++) {
      const src = (tok * t.layers + (l % t.layers)) * t.k;
      const dst = (tok * g.layers + l) * g.k;
      let sum = 0;
      for (let j = 0; j < g.k; j++) sum += t.weights ? t.weights[src + j]! : 1;
      for (let j = 0; j < g.k; j++) {
        ids[dst + j] = t.ids[src + j]!;
        weights[dst + j] = sum > 0 ? (t.weights ? t.weights[src + j]! : 1) / sum : 1 / g.k;
      }
    }
  return { layers: g.layers, experts: g.experts, k: g.k, tokens: t.tokens, ids, weights: t.weights ? weights : null };
}
