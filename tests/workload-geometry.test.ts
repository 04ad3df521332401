// Fitting a trace to a model geometry: equal geometry passes through, a difference is an error
// naming the mapping that would fit, and the layer / K mappings do what they say.

import { describe, expect, test } from "bun:test";
import { fitTrace } from "../harness/workload/geometry-map.ts";
import type { Trace } from "../harness/workload/trace-file.ts";

// 2 tokens, 3 layers, 8 experts, K = 3: token t, layer l routes to l+t, l+t+1, l+t+2 (mod 8)
const ids = new Int32Array(2 * 3 * 3).map((_, i) => {
  const t = Math.floor(i / 9), l = Math.floor(i / 3) % 3, j = i % 3;
  return (l + t + j) % 8;
});
const trace: Trace = { layers: 3, experts: 8, k: 3, tokens: 2, ids, weights: Float32Array.from({ length: 18 }, (_, i) => [0.5, 0.3, 0.2][i % 3]!) };
const exact = { layers: "exact", k: "exact" } as const;

describe("fitTrace", () => {
  test("the same geometry is returned unchanged", () => {
    expect(fitTrace(trace, { layers: 3, experts: 8, k: 3 }, exact, "t")).toBe(trace);
  });

  test("other experts per layer are always an error", () => {
    expect(() => fitTrace(trace, { layers: 3, experts: 512, k: 3 }, { layers: "cycle", k: "top" }, "t")).toThrow(
      "t: the trace has 8 experts per layer, the model 512; expert ids do not carry over between models");
  });

  test("another layer count needs a mapping, and says which", () => {
    expect(() => fitTrace(trace, { layers: 2, experts: 8, k: 3 }, exact, "t")).toThrow(
      "t: the trace has 3 layers, the model 2; ask for a mapping: first (use its first layers) or cycle");
    expect(() => fitTrace(trace, { layers: 5, experts: 8, k: 3 }, exact, "t")).toThrow(
      "t: the trace has 3 layers, the model 5; ask for a mapping: cycle (layer l replays trace layer l mod 3)");
    expect(() => fitTrace(trace, { layers: 5, experts: 8, k: 3 }, { layers: "first", k: "exact" }, "t")).toThrow(
      'layer mapping "first" needs at least 5 trace layers, the trace has 3; use cycle');
  });

  test("first keeps the first layers; cycle repeats them", () => {
    const first = fitTrace(trace, { layers: 2, experts: 8, k: 3 }, { layers: "first", k: "exact" }, "t");
    expect([...first.ids]).toEqual([0, 1, 2, 1, 2, 3, 1, 2, 3, 2, 3, 4]);
    const cycle = fitTrace(trace, { layers: 4, experts: 8, k: 3 }, { layers: "cycle", k: "exact" }, "t");
    expect([...cycle.ids.subarray(0, 12)]).toEqual([0, 1, 2, 1, 2, 3, 2, 3, 4, 0, 1, 2]);
  });

  test("top keeps the first K by gate weight and renormalises; K cannot grow", () => {
    const top = fitTrace(trace, { layers: 3, experts: 8, k: 2 }, { layers: "exact", k: "top" }, "t");
    expect([...top.ids.subarray(0, 4)]).toEqual([0, 1, 1, 2]);
    expect(top.weights![0]).toBeCloseTo(0.625, 6); // 0.5 / (0.5 + 0.3)
    expect(() => fitTrace(trace, { layers: 3, experts: 8, k: 2 }, exact, "t")).toThrow(
      't: the trace routes 3 experts per token, the model K=2; ask for k mapping "top" (keep the first 2 by gate weight)');
    expect(() => fitTrace(trace, { layers: 3, experts: 8, k: 4 }, { layers: "exact", k: "top" }, "t")).toThrow(
      "K cannot be raised from a trace");
  });
});
