// What-if predictions: the time model on predicted bytes by source and profile rates alone —
// hand-computed serial and overlapped layers, the null and zero-copy engines, readahead, a
// profile gap named instead of a number — and a plan's configurations each predicted from its
// own simulator cell.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { planExperiment } from "../harness/experiment/plan-experiment.ts";
import { predictPlan } from "../harness/theory/predict-plan.ts";
import { machineRates } from "../harness/theory/profile-rates.ts";
import type { RunSetup } from "../harness/theory/run-setup.ts";
import type { Traffic } from "../harness/theory/traffic.ts";
import { predict } from "../harness/theory/what-if.ts";
import type { SimResult, SimSpec } from "../harness/sim/sim-binding.ts";
import { simulateSection, type SimulateSection } from "../harness/sim/simulate-section.ts";
import { describe as engineDescribe } from "../ffi/index.ts";
import { testRegistry } from "./harness-registry.ts";
import { profileOf } from "./theory-fixtures.ts";

const REC = 4e6;
const SETUP: RunSetup = {
  preset: "test", layers: 2, k: 4, recordBytes: REC, bits: 4, denseBits: 4, denseBytesPerLayer: 20e6, densePasses: 1,
  sharedBytesPerLayer: 4e6, exec: "serial", ioEngine: "pread", ioThreads: 4, queueDepth: 1, chunkBytes: 0, direct: "off",
  computeThreads: 1, backend: "cpu", cores: 8,
};
const ALL_DEVICE: Traffic = { requested: 32e6, appCache: 0, pageCache: 0, device: 32e6, directDevice: 0, readahead: 0, prefetchDevice: 0 };
// 2 GB/s from the device, 10 from the page cache, 8 GB/s through the 4-bit kernels: a layer's
// 4 reads take 16 MB / 2 GB/s = 8 ms; dense 20 MB, shared 4 MB and 4 experts of 4 MB take 5 ms.
const rates = machineRates(profileOf({ recordBytes: REC, device: { 1: 2, 4: 2 }, pageCache: { 1: 10, 4: 10 }, kernels: [{ bits: 4, threads: 1, gbps: 8 }] }));
const ms = (s: number | null) => s! * 1e3;

describe("predict", () => {
  test("serial: reads then compute, per layer", () => {
    const p = predict({ label: "x", setup: SETUP, traffic: ALL_DEVICE, rates });
    expect(ms(p.timeS)).toBeCloseTo(2 * (8 + 5), 9);
    expect(p.tokS!).toBeCloseTo(1 / 0.026, 9);
  });

  test("overlapped: the shared expert under the reads, the misses' FFNs after them", () => {
    const p = predict({ label: "x", setup: { ...SETUP, exec: "overlapped" }, traffic: ALL_DEVICE, rates });
    expect(ms(p.timeS)).toBeCloseTo(2 * (2.5 + Math.max(8, 0.5) + 4 * 0.5), 9);
  });

  test("the null engine reads nothing: compute alone", () => {
    expect(ms(predict({ label: "x", setup: { ...SETUP, ioEngine: "null" }, traffic: ALL_DEVICE, rates }).timeS)).toBeCloseTo(10, 9);
  });

  test("zero-copy mmap uses resident pages in place, at the cost of a mapping's faults; copying engines pay for copies", () => {
    const cached: Traffic = { ...ALL_DEVICE, pageCache: 32e6, device: 0 };
    expect(ms(predict({ label: "x", setup: SETUP, traffic: cached, rates }).timeS)).toBeCloseTo(2 * (16 / 10 + 5), 9);
    // without a copy out of a mapping in the profile, in-place use has no price: no number
    const zc = predict({ label: "x", setup: { ...SETUP, ioEngine: "mmap-zerocopy" }, traffic: cached, rates });
    expect(zc.tokS).toBeNull();
    expect(zc.missing[0]).toContain("page_cache_read engine mmap");
    const p = profileOf({ recordBytes: REC, device: { 1: 2, 4: 2 }, pageCache: { 1: 10, 4: 10 }, kernels: [{ bits: 4, threads: 1, gbps: 8 }] });
    const faults = { what: "page_cache_read", params: { recordBytes: REC, parallelism: 1, engine: "mmap" }, value: 8, unit: "GB/s", samples: [8], tool: "test", measuredAt: "" };
    const withFaults = machineRates({ ...p, measurements: [...p.measurements, faults] });
    expect(ms(predict({ label: "x", setup: { ...SETUP, ioEngine: "mmap-zerocopy" }, traffic: cached, rates: withFaults }).timeS)).toBeCloseTo(2 * (5 + 16 / 8 - 16 / 10), 9);
    // (16 MB per layer out of a fresh mapping at 8 GB/s, less the same copy by read() at 10 GB/s)
  });

  test("readahead bytes cost device time on top of the records", () => {
    const p = predict({ label: "x", setup: SETUP, traffic: { ...ALL_DEVICE, readahead: 32e6 }, rates });
    expect(ms(p.timeS)).toBeCloseTo(2 * (16 + 5), 9);
  });

  test("io_uring keeps its queue depth in flight, not its threads; chunks take the chunk size's rate", () => {
    const r = machineRates(profileOf({ recordBytes: REC, device: { 1: 1, 4: 2 }, pageCache: { 4: 10 }, kernels: [{ bits: 4, threads: 1, gbps: 8 }] }));
    const ring = { ...SETUP, ioEngine: "io_uring", ioThreads: 4 };
    expect(ms(predict({ label: "x", setup: { ...ring, queueDepth: 1 }, traffic: ALL_DEVICE, rates: r }).timeS)).toBeCloseTo(2 * (16 + 5), 9);
    expect(ms(predict({ label: "x", setup: { ...ring, queueDepth: 4 }, traffic: ALL_DEVICE, rates: r }).timeS)).toBeCloseTo(2 * (8 + 5), 9);
    // 1 MB chunks: 16 pieces per layer through 4 slots, at the rate measured for 1 MB reads
    const chunked = profileOf({ recordBytes: 1e6, device: { 4: 4 }, pageCache: { 4: 10 }, kernels: [{ bits: 4, threads: 1, gbps: 8 }] });
    const both = machineRates({ ...chunked, measurements: [...chunked.measurements, ...profileOf({ recordBytes: REC, device: { 4: 2 } }).measurements] });
    expect(ms(predict({ label: "x", setup: { ...SETUP, chunkBytes: 1e6 }, traffic: ALL_DEVICE, rates: both }).timeS)).toBeCloseTo(2 * (4 + 5), 9);
  });

  test("a profile without kernel figures gives no number, and says what is missing", () => {
    const bare = machineRates(profileOf({ recordBytes: REC, device: { 4: 2 }, pageCache: { 4: 10 } }));
    const p = predict({ label: "x", setup: SETUP, traffic: ALL_DEVICE, rates: bare });
    expect(p.tokS).toBeNull();
    expect(p.missing).toEqual(["no 4-bit cpu kernel throughput in the profile"]);
  });
});

function plan(name: string) {
  const file = path.join(import.meta.dir, "..", "experiments", name);
  const planned = planExperiment(readFileSync(file, "utf8"), file, testRegistry());
  if (!planned.ok) throw new Error(`${name} does not plan`);
  return planned.plan;
}

/** A stand-in simulator: the lru cell hits half its requests, the rest are read buffered, 3/4 of
 * them found in the page cache. */
function fakeSimulator(asked: SimSpec[] = []) {
  return async (_engine: unknown, spec: SimSpec): Promise<SimResult> => {
    asked.push(spec);
    const tokens = 64, warmup = spec.warmup, rec = 27648, requests = (tokens - warmup) * 2 * 4;
    return {
      layers: 2, experts: 16, k: 4, tokens, warmup, record_bytes: rec, scope: "global", direct: "off",
      pagecache: { model: "lru", bytes: 0, readahead_bytes: 0 },
      cells: spec.cells.map((c) => {
        const hits = c.policy === "lru" ? requests / 2 : 0;
        const read = (requests - hits) * rec;
        return {
          policy: c.policy, entries: c.entries, capacity: c.entries, status: 0, requests, hits, misses: requests - hits,
          insertions: 0, bypasses: 0, evictions: 0, direct_reads: 0, buffered_reads: requests - hits,
          requested_bytes: requests * rec, page_cache_bytes: 0.75 * read, device_bytes: 0.25 * read, readahead_bytes: 0,
          pagecache_capacity_bytes: 0, layer_requests: [], layer_hits: [],
        };
      }),
    };
  };
}

describe("predictPlan", () => {
  const section = simulateSection(testRegistry()).parse({}) as SimulateSection;
  const geometryOf = (preset: string) => engineDescribe().presets.find((p) => p.name === preset)!.geometry;

  test("each configuration is predicted from its own cell, counted after warm-up", async () => {
    const asked: SimSpec[] = [];
    const profile = profileOf({ recordBytes: 27648, device: { 4: 1 }, pageCache: { 4: 5 }, kernels: [{ bits: 4, threads: 1, gbps: 4 }] });
    const out = await predictPlan(plan("smoke.yaml"), { profile, section, policies: testRegistry().policies, geometryOf, simulate: fakeSimulator(asked) });
    expect(asked).toHaveLength(1);                       // one routing, one simulation
    expect(asked[0]!.warmup).toBe(8);
    expect(asked[0]!.cells).toEqual([{ policy: "lru", entries: 8 }, { policy: "none", entries: 0 }]);
    const [lru, none] = out.predictions;
    expect(lru!.config).toBe("lru");
    expect(lru!.traffic.appCache / lru!.traffic.requested).toBeCloseTo(0.5, 12);
    expect(none!.traffic.pageCache / none!.traffic.requested).toBeCloseTo(0.75, 12);
    expect(lru!.tokS! > none!.tokS!).toBe(true);        // half the reads
    expect(out.profile).toBe(profile);
  });

  test("for another machine's full model, per-layer figures carry over: a token takes 60 / L layers' time", async () => {
    const p = plan("lru-vs-nocache.yaml");       // L = 4 of the preset's 60 layers
    const profile = profileOf({ recordBytes: 27648, device: { 4: 1 }, pageCache: { 4: 5 }, kernels: [2, 4].map((bits) => ({ bits, threads: 1, gbps: 4 })) });
    const common = { profile, section, policies: testRegistry().policies, geometryOf, simulate: fakeSimulator() };
    const scale = await predictPlan(p, common);
    const full = await predictPlan(p, { ...common, asMachine: { backend: "cpu", computeThreads: 1, fullModel: true } });
    for (const [i, x] of scale.predictions.entries()) {
      expect(full.predictions[i]!.timeS! / x.timeS!).toBeCloseTo(15, 9);
      expect(full.predictions[i]!.traffic.requested / x.traffic.requested).toBeCloseTo(15, 9);
    }
  });
});
