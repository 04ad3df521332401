// Predicted beside measured: the error against each configuration's median, the same with the
// decomposition's CPU contention taken out, the spread of the repeats, the median absolute
// error, and the device as the sweep found it beside the profile's figure.

import { describe, expect, test } from "bun:test";
import { checkPredictions, deviceAtSweep } from "../harness/theory/prediction-check.ts";
import type { StoredPredictions } from "../harness/theory/predict-plan.ts";
import { machineRates } from "../harness/theory/profile-rates.ts";
import { analyseResults } from "../harness/theory/variant-analysis.ts";
import type { Prediction } from "../harness/theory/what-if.ts";
import type { RunSetup } from "../harness/theory/run-setup.ts";
import { profileOf, syntheticRecord, type SyntheticRun } from "./theory-fixtures.ts";

const REC = 4e6;
const profile = profileOf({ recordBytes: REC, device: { 1: 2, 4: 2 }, pageCache: { 4: 10 }, kernels: [{ bits: 4, threads: 1, gbps: 8 }] });

// Two configurations, two repeats each; "b" ran where other tenants' threads outnumbered the
// cores: its compute stages took 10 ms of wall time for 5 ms of CPU.
const base: SyntheticRun = { layers: 4, k: 4, recordBytes: REC, wallMs: { wait: 32, dense: 5 }, bytes: { device: 64e6 }, cores: 2 };
const records = [
  syntheticRecord({ ...base, variant: "a", tokS: 20 }),
  syntheticRecord({ ...base, variant: "a", tokS: 30 }),
  syntheticRecord({ ...base, variant: "b", wallMs: { wait: 32, dense: 10 }, cpuMs: { dense: 5 }, tokS: 20, environment: { counters: { runnable: { mean: 6 } } } }),
  syntheticRecord({ ...base, variant: "b", wallMs: { wait: 32, dense: 10 }, cpuMs: { dense: 5 }, tokS: 20, environment: { counters: { runnable: { mean: 6 } } } }),
];

const SETUP: RunSetup = {
  preset: "test", layers: 4, k: 4, recordBytes: REC, bits: 4, denseBits: 4, denseBytesPerLayer: 0, densePasses: 1, sharedBytesPerLayer: 0,
  exec: "serial", ioEngine: "pread", ioThreads: 4, queueDepth: 1, chunkBytes: 0, direct: "off", computeThreads: 1, backend: "cpu", cores: 2,
};
const prediction = (config: string, tokS: number | null): Prediction & { config: string; notes: string[] } => ({
  config, label: config, setup: SETUP, tokS, timeS: tokS && 1 / tokS, layer: null, basis: { io: null, compute: null }, missing: tokS ? [] : ["a gap"], sources: [], notes: [],
  traffic: { requested: 64e6, appCache: 0, pageCache: 0, device: 64e6, directDevice: 0, readahead: 0, prefetchDevice: 0 },
});
const stored: StoredPredictions = {
  schema: 1, kind: "predictions", experiment: "t", createdAt: "", profile,
  simulator: { pagecache: "lru", readaheadBytes: 0, activeFraction: 0.5 },
  predictions: [prediction("a", 27.5), prediction("b", 30), prediction("c", null)],
};

describe("checkPredictions", () => {
  const c = checkPredictions(stored, analyseResults(records, profile));
  const [a, b, none] = c.rows;

  test("the error is against the median over repeats, whose spread is shown", () => {
    expect(a!.measured).toBe(25);
    expect(a!.error!).toBeCloseTo(0.1, 12);
    expect(a!.measuredRange).toEqual({ min: 20, max: 30 });
  });

  test("taking CPU contention out scales the measurement by the time it leaves", () => {
    // b: 42 ms per token, 5 of them contention → 20 tok/s × 42 / 37
    expect(b!.uncontended!).toBeCloseTo((20 * 42) / 37, 9);
    expect(b!.uncontendedError!).toBeCloseTo(30 / ((20 * 42) / 37) - 1, 9);
    expect(a!.uncontended).toBe(25);
  });

  test("the median absolute error counts only configurations with both numbers", () => {
    expect(none!.error).toBeNull();
    expect(c.compared).toBe(2);
    expect(c.medianAbsError!).toBeCloseTo((0.1 + 0.5) / 2, 12);
  });

  test("the time model at the measured sources runs on the run's own bytes", () => {
    // 64 MB from the device at 2 GB/s and 4 layers of 4 MB experts at 8 GB/s: 32 + 8 ms
    expect(a!.atMeasuredSources!).toBeCloseTo(1 / 0.04, 9);
  });
});

test("the device at the sweep's start beside the profile's figure for the same reads", () => {
  const m = (mode: string, parallelism: number, value: number) => ({ what: "device_read", params: { recordBytes: REC, parallelism, mode }, value, unit: "GB/s", samples: [value], tool: "quick", measuredAt: "" });
  expect(deviceAtSweep([m("direct", 4, 1.1), m("buffered-warm", 4, 9)], machineRates(profile))).toEqual([{ what: "direct, 4 in flight", profileGbps: 2, sweepGbps: 1.1 }]);
});

test("re-predicted with the device reads timed before the sweep in place of the profile's", () => {
  const m = (mode: string, value: number) => ({ what: "device_read", params: { recordBytes: REC, parallelism: 4, mode }, value, unit: "GB/s", samples: [value], tool: "quick", measuredAt: "" });
  const c = checkPredictions(stored, analyseResults(records, profile), undefined, [m("direct", 1), m("buffered-cold", 1)]);
  // 64 MB at 1 GB/s instead of 2, and 8 ms of expert compute: 72 ms per token
  expect(c.rows[0]!.atSweepDevice!).toBeCloseTo(1 / 0.072, 9);
  expect(c.medianAbsSweepDeviceError!).toBeCloseTo(Math.abs(1 / 0.072 / 25 - 1) / 2 + Math.abs(1 / 0.072 / 20 - 1) / 2, 9);
});
