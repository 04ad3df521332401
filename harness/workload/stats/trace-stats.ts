// Every statistic of `trace stats`, per layer and overall, as one labelled object (the JSON
// block prints it as-is). A pure function of the routing: synthetic and real traces alike.

import type { Trace } from "../trace-file.ts";
import { layerRequests } from "./layer-sets.ts";
import { lruHitRate, reuseBins, reuseHistogram, stackDistances } from "./stack-distance.ts";
import { consecutiveOverlap } from "./overlap.ts";
import { distinctPerWindow } from "./distinct-windows.ts";
import { topShare } from "./popularity-skew.ts";
import { crossLayerPair, type CrossLayerPair } from "./cross-layer.ts";

export interface StatsOptions {
  capacities: number[]; // LRU entries per layer
  windows: number[]; // tokens per window for distinct-expert counts
  warmupTokens: number; // tokens whose requests fill caches but are not counted (0 = cold start)
  segmentStarts: Set<number>; // token indices where a new sequence starts
}

export interface LayerStats {
  layer: number;
  lruHitRate: number[]; // per capacity, fraction of requests
  overlap: number; // fraction of a token's experts shared with the previous token
  top10Share: number; // fraction of requests to the top 10 % of experts
  distinct: (number | null)[]; // per window: mean distinct experts
  distinctAll: number; // distinct experts over the whole trace
  reuseHistogram: number[]; // request counts per reuse-distance bin
}

export interface TraceStats {
  geometry: { layers: number; experts: number; k: number; tokens: number; segments: number };
  capacities: number[];
  windows: number[];
  warmupTokens: number;
  reuseBins: string[];
  definitions: Record<string, string>;
  overall: {
    lruHitRate: number[]; // per capacity: hits / requests over all layers
    overlap: { mean: number; min: number; max: number }; // over layers
    top10Share: number; // mean over layers
    distinct: (number | null)[];
    distinctAll: number; // mean over layers
    reuseHistogram: number[]; // summed over layers
    crossLayer: { lift: number; precision: number; baseline: number; minLift: number; maxLift: number } | null;
  };
  layers: LayerStats[];
  crossLayer: CrossLayerPair[]; // adjacent pairs l → l+1
}

const DEFINITIONS: Record<string, string> = {
  lruHitRate: "per-layer LRU cache of N entries (N = capacities[i]), requests in routing order, " +
    "fraction of requests that hit; compulsory misses included unless warmupTokens > 0",
  overlap: "mean |experts(t) ∩ experts(t-1)| / K per layer, pairs within one sequence",
  top10Share: "fraction of a layer's requests that go to its 10 % most requested experts",
  distinct: "mean distinct experts per layer in non-overlapping windows of windows[i] tokens",
  reuseHistogram: "requests per LRU stack-distance bin (distinct other experts since the previous " +
    "request of the same expert); an LRU cache of C entries hits distances < C",
  crossLayer: "precision of guessing layer l+1's experts from layer l's (P(e | i) from earlier tokens' " +
    "co-routings, shrunk towards P(e) by 10 pseudo-observations), minus the precision of guessing from " +
    "layer l+1's popularity so far (0 = no cross-layer correlation)",
};

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function traceStats(t: Trace, o: StatsOptions): TraceStats {
  const bins = reuseBins(t.experts);
  const from = o.warmupTokens * t.k;
  const layers: LayerStats[] = [];
  for (let l = 0; l < t.layers; l++) {
    const req = layerRequests(t, l);
    const dist = stackDistances(req, t.experts);
    layers.push({
      layer: l,
      lruHitRate: o.capacities.map((c) => lruHitRate(dist, c, from)),
      overlap: consecutiveOverlap(t, l, o.segmentStarts),
      top10Share: topShare(t, l),
      distinct: o.windows.map((w) => distinctPerWindow(t, l, w)),
      distinctAll: new Set(req).size,
      reuseHistogram: reuseHistogram(dist, bins),
    });
  }
  const crossLayer = Array.from({ length: t.layers - 1 }, (_, l) => crossLayerPair(t, l));
  const overlaps = layers.map((s) => s.overlap);
  const lifts = crossLayer.map((p) => p.lift);
  return {
    geometry: { layers: t.layers, experts: t.experts, k: t.k, tokens: t.tokens, segments: o.segmentStarts.size + 1 },
    capacities: o.capacities,
    windows: o.windows,
    warmupTokens: o.warmupTokens,
    reuseBins: bins.map((b) => b.label),
    definitions: DEFINITIONS,
    overall: {
      lruHitRate: o.capacities.map((_, i) => mean(layers.map((s) => s.lruHitRate[i]!))),
      overlap: { mean: mean(overlaps), min: Math.min(...overlaps), max: Math.max(...overlaps) },
      top10Share: mean(layers.map((s) => s.top10Share)),
      distinct: o.windows.map((_, i) => (layers[0]!.distinct[i] === null ? null : mean(layers.map((s) => s.distinct[i]!)))),
      distinctAll: mean(layers.map((s) => s.distinctAll)),
      reuseHistogram: bins.map((_, b) => layers.reduce((a, s) => a + s.reuseHistogram[b]!, 0)),
      crossLayer: crossLayer.length
        ? { lift: mean(lifts), precision: mean(crossLayer.map((p) => p.precision)), baseline: mean(crossLayer.map((p) => p.baseline)),
            minLift: Math.min(...lifts), maxLift: Math.max(...lifts) }
        : null,
    },
    layers,
    crossLayer,
  };
}
