// Flash-MoE's own gap: the paper's breakdown entered as an observation adds up to its 2.9 ms per
// layer, goes through the same decomposition (the paper's "other" is the remainder, the CMD3
// estimate the expert part), reproduces the paper's I/O ceiling from its own figures, and the
// committed report is the one the code generates.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { FLASH_MOE, flashMoeObservation, flashMoeStatedDense, m3MaxProfile } from "../harness/theory/flash-moe-observation.ts";
import { FLASH_MOE_GAP_DOC, flashMoeGapReport, impliedHitRate } from "../harness/theory/flash-moe-gap.ts";
import { part } from "../harness/theory/decompose.ts";
import { ioInputs } from "../harness/theory/model-inputs.ts";
import { machineRates } from "../harness/theory/profile-rates.ts";
import { layerTime } from "../harness/theory/time-model.ts";
import { analyse } from "../harness/theory/variant-analysis.ts";

const rates = machineRates(m3MaxProfile());
const perLayerMs = (s: number) => (s / 60) * 1e3;

describe("the Flash-MoE observation", () => {
  const a = analyse(flashMoeObservation(), rates, undefined, flashMoeStatedDense());
  const d = a.decomposition;

  test("adds up to the paper's 2.9 ms per layer, 174 ms per token", () => {
    expect(perLayerMs(d.totalS)).toBeCloseTo(2.9, 12);
    expect(1 / d.totalS).toBeCloseTo(5.747, 3);
  });

  test("ceiling (1) is the paper's: every routed byte at 17.5 GB/s", () => {
    const c = a.ceilings.find((x) => x.id === "paperIo")!;
    expect(c.tokS!).toBeCloseTo(17.5e9 / (60 * 4 * 3_932_160), 9);
    expect(Math.abs(c.tokS! - FLASH_MOE.ioCeiling.tokS)).toBeLessThan(0.1); // the paper rounded 943.7 MB to 943
  });

  test("the paper's unattributed 0.06 ms is the remainder; compute parts are its GPU and CPU waits", () => {
    expect(perLayerMs(part(d, "remainder").s)).toBeCloseTo(0.06, 9);
    expect(perLayerMs(part(d, "expert").s)).toBeCloseTo((4 * 3 * 747) / 20 / 1e3, 9);
    expect(perLayerMs(part(d, "dense").s + part(d, "expert").s)).toBeCloseTo(0.87 + 0.45 + 0.15, 9);
    // the expert I/O line splits into reads at ceiling speed and the inefficiency beyond them
    const io = part(d, "device").s + part(d, "pageCache").s + part(d, "ioInefficiency").s;
    expect(perLayerMs(io)).toBeCloseTo(1.37, 9);
    expect(part(d, "ioInefficiency").s).toBeGreaterThan(0);
  });

  test("the implied hit rate makes reads at ceiling speed take the observed 1.37 ms", () => {
    const h = impliedHitRate(rates, 1.37e-3)!;
    const o = flashMoeObservation(h);
    const io = ioInputs(rates, o.setup, 0)!;
    const t = layerTime({ setup: o.setup, mix: { device: 1 - h, pageCache: h, appCache: 0 }, rates: io.rates, compute: { denseS: 0, sharedS: 0, expertS: 0, overheadS: 0 } });
    expect(t.ioS * 1e3).toBeCloseTo(1.37, 9);
    expect(perLayerMs(part(analyse(o, rates).decomposition, "ioInefficiency").s)).toBeCloseTo(0, 6);
  });

  test("every figure of the M3 Max profile cites its source", () => {
    for (const m of m3MaxProfile().measurements) expect(m.source ?? "").toContain("github.com/danveloper/flash-moe");
  });

  test("docs/flash-moe-gap.md is what `bun run gap flash-moe --write` generates", () => {
    expect(readFileSync(FLASH_MOE_GAP_DOC, "utf8")).toBe(flashMoeGapReport());
  });
});
