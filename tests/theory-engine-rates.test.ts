// Profile rates by I/O engine and advice: pread-pool reads under fadvise random (also when the
// profile names no advice) or normal, reads through page faults (mmap), readahead from the
// probe's amplification; and what the predictions make of them — readahead per simulation,
// fadvise normal slower than random, mmap predicted or named missing, zero-copy hits not free.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe as engineDescribe } from "../ffi/index.ts";
import { planExperiment } from "../harness/experiment/plan-experiment.ts";
import type { MachineProfile, Measurement } from "../harness/probe/machine-profile.ts";
import type { SimResult, SimSpec } from "../harness/sim/sim-binding.ts";
import { simulateSection, type SimulateSection } from "../harness/sim/simulate-section.ts";
import { predictPlan } from "../harness/theory/predict-plan.ts";
import { ioInputs } from "../harness/theory/model-inputs.ts";
import { machineRates } from "../harness/theory/profile-rates.ts";
import type { RunSetup } from "../harness/theory/run-setup.ts";
import type { Traffic } from "../harness/theory/traffic.ts";
import { predict } from "../harness/theory/what-if.ts";
import { testRegistry } from "./harness-registry.ts";
import { profileOf } from "./theory-fixtures.ts";

const REC = 4e6;
const m = (what: string, params: Measurement["params"], value: number, amplification?: number): Measurement =>
  ({ what, params, value, unit: "GB/s", samples: [value], tool: "test", measuredAt: "", ...(amplification ? { details: { deviceBytesPerRequested: amplification } } : {}) });

/** profileOf's pread figures (no advice named: random) at 2 GB/s, page cache at 10, kernels at 8,
 * and the new kinds: fadvise normal, mmap device reads and copies out of a fresh mapping. */
function withEngines(recordBytes: number, extra: { normal?: boolean; mmapDevice?: boolean; mmapCache?: boolean } = {}): MachineProfile {
  const base = profileOf({ recordBytes, device: { 1: 2, 4: 2, 8: 2 }, pageCache: { 1: 10, 4: 10, 8: 10 }, kernels: [2, 4].map((bits) => ({ bits, threads: 1, gbps: 8 })) });
  const more: Measurement[] = [];
  if (extra.normal ?? true)
    more.push(
      m("device_read", { recordBytes, parallelism: 1, mode: "buffered-cold", fadvise: "normal" }, 1.5, 1.9),
      m("device_read", { recordBytes, parallelism: 4, mode: "buffered-cold", fadvise: "normal" }, 1.8, 1.5),
    );
  if (extra.mmapDevice ?? true)
    more.push(
      m("device_read", { recordBytes, parallelism: 1, mode: "buffered-cold", fadvise: "normal", engine: "mmap" }, 1, 1.3),
      m("device_read", { recordBytes, parallelism: 8, mode: "buffered-cold", fadvise: "normal", engine: "mmap" }, 1.6, 1.2),
      m("device_read", { recordBytes, parallelism: 1, mode: "buffered-cold", fadvise: "random", engine: "mmap" }, 0.1, 1),
    );
  if (extra.mmapCache ?? true)
    more.push(m("page_cache_read", { recordBytes, parallelism: 1, engine: "mmap" }, 4), m("page_cache_read", { recordBytes, parallelism: 2, engine: "mmap" }, 6));
  return { ...base, measurements: [...base.measurements, ...more] };
}

describe("machineRates by engine and advice", () => {
  const r = machineRates(withEngines(REC));

  test("the pread pool: fadvise random by default, figures that name no advice counting as random", () => {
    const plain = r.deviceRead(REC, 1, "buffered-cold")!;
    expect(plain.gbps).toBe(2);
    expect(plain.basis).not.toContain("fadvise");
    expect(r.deviceRead(REC, 1, "buffered-cold", { fadvise: "random" })!.gbps).toBe(2);
    const normal = r.deviceRead(REC, 1, "buffered-cold", { fadvise: "normal" })!;
    expect(normal.gbps).toBe(1.5);
    expect(normal.basis).toContain("fadvise normal");
    expect(normal.exact).toBe(true);
    // direct reads take no advice: the direct figure, whatever is asked
    expect(r.deviceRead(REC, 1, "direct", { fadvise: "normal" })!.gbps).toBe(2);
  });

  test("advice not measured: the other stands in, and says so", () => {
    const bare = machineRates(withEngines(REC, { normal: false }));
    const x = bare.deviceRead(REC, 1, "buffered-cold", { fadvise: "normal" })!;
    expect(x.gbps).toBe(2);
    expect(x.exact).toBe(false);
    expect(x.basis).toContain("no fadvise normal reads measured");
  });

  test("reads through page faults come from the mmap figures alone, interpolated between parallelisms", () => {
    expect(r.deviceRead(REC, 1, "buffered-cold", { engine: "mmap", fadvise: "random" })!.gbps).toBe(0.1);
    const four = r.deviceRead(REC, 4, "buffered-cold", { engine: "mmap", fadvise: "normal" })!;
    expect(four.gbps).toBeCloseTo(1 + (3 / 7) * 0.6, 12);
    expect(four.basis).toContain("interpolated");
    expect(four.basis).toContain("mmap");
    const noRandom = machineRates({ ...withEngines(REC), measurements: withEngines(REC).measurements.filter((x) => !(x.params.engine === "mmap" && x.params.fadvise === "random")) });
    expect(noRandom.deviceRead(REC, 1, "buffered-cold", { engine: "mmap", fadvise: "random" })!.basis).toContain("no fadvise random reads measured");
    // no mmap figures at all: nothing stands in (the pread pool's rate is another mechanism)
    const none = machineRates(withEngines(REC, { mmapDevice: false, mmapCache: false }));
    expect(none.deviceRead(REC, 1, "buffered-cold", { engine: "mmap", fadvise: "normal" })).toBeNull();
    expect(none.pageCacheRead(REC, 1, "mmap")).toBeNull();
  });

  test("page-cache reads by engine: the pread pool's copies never stand in for faults, nor the reverse", () => {
    expect(r.pageCacheRead(REC, 1)!.gbps).toBe(10);
    expect(r.pageCacheRead(REC, 2, "mmap")!.gbps).toBe(6);
    const onlyMmap = machineRates({ ...withEngines(REC), measurements: withEngines(REC).measurements.filter((x) => x.what !== "page_cache_read" || x.params.engine === "mmap") });
    expect(onlyMmap.pageCacheRead(REC, 1)).toBeNull();
  });

  test("records read in chunks: readahead and the advised rate from figures measured in chunks of that size", () => {
    const chunked = withEngines(REC);
    chunked.measurements.push(m("device_read", { recordBytes: REC, parallelism: 1, mode: "buffered-cold", fadvise: "normal", chunkBytes: 2 ** 20 }, 0.5, 3.4));
    const c = machineRates(chunked);
    expect(c.readahead(2 ** 20, 1)!.extraPerRequested).toBeCloseTo(2.4, 12);   // a stream of chunks: far past the record
    expect(c.readahead(REC, 1)!.extraPerRequested).toBeCloseTo(0.9, 12);      // whole records
    const rate = c.deviceRead(2 ** 20, 1, "buffered-cold", { fadvise: "normal" })!;
    expect(rate.gbps).toBe(0.5);
    expect(rate.basis).toContain("1.05 MB chunks of 4.00 MB records");
    expect(c.deviceRead(REC, 1, "buffered-cold", { fadvise: "normal" })!.gbps).toBe(1.5);
  });

  test("the peak device read is the pread pool's: a fast rate through faults (readahead hits) is not the device's", () => {
    const fast = withEngines(REC);
    fast.measurements.push(m("device_read", { recordBytes: REC, parallelism: 8, mode: "buffered-cold", fadvise: "random", engine: "mmap" }, 99));
    expect(machineRates(fast).peakDeviceRead()!.gbps).toBe(2);
  });

  test("readahead: the amplification of fadvise-normal pread reads less one, by parallelism", () => {
    expect(r.readahead(REC, 1)!.extraPerRequested).toBeCloseTo(0.9, 12);
    const two = r.readahead(REC, 2)!;
    expect(two.extraPerRequested).toBeCloseTo(0.9 + (1 / 3) * (0.5 - 0.9), 12);
    expect(two.exact).toBe(false);
    expect(two.basis).toContain("device bytes per requested byte");
    expect(r.readahead(REC, 16)!.extraPerRequested).toBeCloseTo(0.5, 12);   // nearest
    expect(machineRates(withEngines(REC, { normal: false })).readahead(REC, 1)).toBeNull();
  });
});

const SETUP: RunSetup = {
  preset: "test", layers: 2, k: 4, recordBytes: REC, bits: 4, denseBits: 4, denseBytesPerLayer: 20e6, densePasses: 1,
  sharedBytesPerLayer: 4e6, exec: "serial", ioEngine: "pread", ioThreads: 1, queueDepth: 1, chunkBytes: 0, direct: "off",
  fadvise: "normal", computeThreads: 1, backend: "cpu", cores: 8,
};
const ms = (s: number | null) => s! * 1e3;
// compute per layer: dense 20 MB + shared 4 MB + 4 experts of 4 MB at 8 GB/s = 5 ms

describe("predict by engine", () => {
  const r = machineRates(withEngines(REC));
  const device: Traffic = { requested: 32e6, appCache: 0, pageCache: 0, device: 32e6, directDevice: 0, readahead: 0, prefetchDevice: 0 };
  const cached: Traffic = { ...device, pageCache: 32e6, device: 0 };

  test("mmap + memcpy is predicted from the fault figures: its own device and page-cache rates", () => {
    const mmap = { ...SETUP, ioEngine: "mmap" };
    // 4 reads of 4 MB, one at a time, at 1 GB/s through faults (madvise normal)
    expect(ms(predict({ label: "x", setup: mmap, traffic: device, rates: r }).timeS)).toBeCloseTo(2 * (16 + 5), 9);
    expect(ms(predict({ label: "x", setup: { ...mmap, fadvise: "random" }, traffic: device, rates: r }).timeS)).toBeCloseTo(2 * (160 + 5), 9);
    const hits = predict({ label: "x", setup: mmap, traffic: cached, rates: r });
    expect(ms(hits.timeS)).toBeCloseTo(2 * (4 + 5), 9);   // 16 MB at 4 GB/s
    expect(hits.basis.io).toContain("mmap");
    // the simulator's readahead is not added on top of the fault rate, which includes it
    expect(predict({ label: "x", setup: mmap, traffic: { ...device, readahead: 32e6 }, rates: r }).timeS).toBeCloseTo(predict({ label: "x", setup: mmap, traffic: device, rates: r }).timeS!, 12);
  });

  test("fadvise normal: the advised rate holds readahead's time; without it, readahead's bytes at the random rate", () => {
    const ahead: Traffic = { ...device, readahead: 32e6 };
    // 4 reads of 4 MB one at a time at 1.5 GB/s under fadvise normal, readahead inside the rate
    const advised = predict({ label: "x", setup: SETUP, traffic: ahead, rates: r });
    expect(ms(advised.timeS)).toBeCloseTo(2 * (16 / 1.5 + 5), 9);
    expect(advised.layer!.readaheadS).toBe(0);
    expect(advised.basis.io).toContain("fadvise normal");
    // no fadvise-normal figures: the records and readahead's 16 MB per layer at the random 2 GB/s
    const bare = predict({ label: "x", setup: SETUP, traffic: ahead, rates: machineRates(withEngines(REC, { normal: false })) });
    expect(ms(bare.timeS)).toBeCloseTo(2 * (32 / 2 + 5), 9);
    // fadvise random: the random rate, whatever the profile holds
    expect(ms(predict({ label: "x", setup: { ...SETUP, fadvise: "random" }, traffic: device, rates: r }).timeS)).toBeCloseTo(2 * (16 / 2 + 5), 9);
  });

  test("mmap without fault figures in the profile: no number, and what is missing", () => {
    const bare = machineRates(withEngines(REC, { mmapDevice: false, mmapCache: false }));
    const p = predict({ label: "x", setup: { ...SETUP, ioEngine: "mmap" }, traffic: { ...device, pageCache: 16e6, device: 16e6 }, rates: bare });
    expect(p.tokS).toBeNull();
    expect(p.missing).toEqual([
      "device reads through page faults (device_read engine mmap) in the profile",
      "page-cache reads through page faults (page_cache_read engine mmap) in the profile",
    ]);
  });

  test("zero-copy page-cache hits are not free: a copy out of a fresh mapping less a read() copy, on the compute path", () => {
    const zc = { ...SETUP, ioEngine: "mmap-zerocopy" };
    const p = predict({ label: "x", setup: zc, traffic: cached, rates: r });
    // 4 records of 4 MB (1 compute thread): out of a mapping at 4 GB/s, less read()'s 10 GB/s
    expect(ms(p.timeS)).toBeCloseTo(2 * (5 + 16 / 4 - 16 / 10), 9);
    expect(p.layer!.ioS).toBe(0);
    expect(p.layer!.computeS * 1e3).toBeCloseTo(5 + 2.4, 9);
    expect(p.basis.io).toContain("in place");
    expect(p.basis.io).toContain("less a copy out of the page cache");
    // no read() copy figure: the whole copy out of the mapping, said to be an upper bound
    const noCopy = withEngines(REC);
    const upper = predict({ label: "x", setup: zc, traffic: cached, rates: machineRates({ ...noCopy, measurements: noCopy.measurements.filter((x) => x.what !== "page_cache_read" || x.params.engine === "mmap") }) });
    expect(ms(upper.timeS)).toBeCloseTo(2 * (5 + 16 / 4), 9);
    expect(upper.basis.io).toContain("upper bound");
    expect(p.timeS! > predict({ label: "x", setup: zc, traffic: { ...cached, pageCache: 0, appCache: 32e6 }, rates: r }).timeS!).toBe(true);
    const bare = predict({ label: "x", setup: zc, traffic: cached, rates: machineRates(withEngines(REC, { mmapCache: false })) });
    expect(bare.tokS).toBeNull();
    expect(bare.missing[0]).toContain("page_cache_read engine mmap");
  });
});

describe("ioInputs for measured mmap runs", () => {
  test("the fault figures where the profile has them; else the pread pool's, named as a stand-in", () => {
    const mmap = { ...SETUP, ioEngine: "mmap" };
    const own = ioInputs(machineRates(withEngines(REC)), mmap, 0)!;
    expect(own.rates.deviceGbps(1)).toBe(1);
    expect(own.rates.pageCacheGbps(1)).toBe(4);
    const bare = ioInputs(machineRates(withEngines(REC, { mmapDevice: false, mmapCache: false })), mmap, 0)!;
    expect(bare.rates.deviceGbps(1)).toBe(2);
    expect(bare.rates.pageCacheGbps(1)).toBe(10);
    expect(bare.deviceBasis).toContain("standing in for reads through page faults");
    expect(bare.pageCacheBasis).toContain("standing in for reads through page faults");
    expect(bare.exact).toBe(false);
  });
});

function ioEnginesPlan() {
  const file = path.join(import.meta.dir, "..", "experiments", "io-engines.yaml");
  const planned = planExperiment(readFileSync(file, "utf8"), file, testRegistry());
  if (!planned.ok) throw new Error("io-engines.yaml does not plan");
  return planned.plan;
}

/** Every request misses; a quarter of the reads reach the device, each reading the spec's
 * readahead past its record (what the page-cache model adds to device_bytes). */
function readaheadSimulator(asked: SimSpec[]) {
  return async (_engine: unknown, spec: SimSpec): Promise<SimResult> => {
    asked.push(spec);
    const tokens = 32, warmup = spec.warmup, rec = 3932160, requests = (tokens - warmup) * 2 * 4;
    const deviceReads = requests / 4;
    return {
      layers: 2, experts: 512, k: 4, tokens, warmup, record_bytes: rec, scope: "global", direct: "off",
      pagecache: { model: "lru", bytes: 0, readahead_bytes: spec.pagecache.readahead_bytes },
      cells: spec.cells.map((c) => ({
        policy: c.policy, entries: c.entries, capacity: c.entries, status: 0, requests, hits: 0, misses: requests,
        insertions: 0, bypasses: 0, evictions: 0, direct_reads: 0, buffered_reads: requests,
        requested_bytes: requests * rec, page_cache_bytes: (requests - deviceReads) * rec,
        device_bytes: deviceReads * (rec + spec.pagecache.readahead_bytes), readahead_bytes: deviceReads * spec.pagecache.readahead_bytes,
        pagecache_capacity_bytes: 0, layer_requests: [], layer_hits: [],
      })),
    };
  };
}

describe("predictPlan with readahead", () => {
  const section = simulateSection(testRegistry()).parse({}) as SimulateSection;
  const geometryOf = (preset: string) => engineDescribe().presets.find((p) => p.name === preset)!.geometry;
  const REC_IO = 3932160;
  const common = { section, policies: testRegistry().policies, geometryOf };

  test("auto readahead: per simulation from the profile by io.fadvise — none under random, direct or mmap", async () => {
    expect(section.readahead).toBe("auto");
    const asked: SimSpec[] = [];
    const out = await predictPlan(ioEnginesPlan(), { ...common, profile: withEngines(REC_IO), simulate: readaheadSimulator(asked) });
    const page = (b: number) => Math.round(b / 4096) * 4096;
    // fadvise normal, buffered: 1 in flight → 0.9 extra per byte; 8 → 0.5 (nearest); the rest none
    expect([...new Set(asked.map((s) => s.pagecache.readahead_bytes))].sort((a, b) => a - b)).toEqual([0, page(0.5 * REC_IO), page(0.9 * REC_IO)]);
    const by = (config: string) => out.predictions.find((p) => p.config === config)!;
    expect(by("pread-1[io.fadvise=normal]").traffic.readahead! > 0).toBe(true);
    expect(by("pread-1[io.fadvise=normal]").notes.join(" ")).toContain("readahead");
    for (const c of ["pread-1[io.fadvise=random]", "pread-1+direct[io.fadvise=normal]", "mmap-1[io.fadvise=normal]", "null-engine[io.fadvise=normal]"])
      expect(by(c).traffic.readahead ?? 0).toBe(0);
    // the same reads under fadvise normal carry the readahead's bytes: slower than under random
    for (const c of ["pread-1", "pread-8", "io_uring-1"])
      expect(by(`${c}[io.fadvise=normal]`).tokS! < by(`${c}[io.fadvise=random]`).tokS!).toBe(true);
    // mmap predicted from its fault figures, per madvise
    expect(by("mmap-1[io.fadvise=normal]").tokS).not.toBeNull();
    expect(by("mmap-1[io.fadvise=random]").tokS! < by("mmap-1[io.fadvise=normal]").tokS!).toBe(true);
    // in plan order, as before
    expect(out.predictions.map((p) => p.config)).toEqual(ioEnginesPlan().runs.filter((r) => r.repeat === 1).map((r) => r.config));
  });

  test("no amplification in the profile: fadvise normal predicted as random; mmap named missing", async () => {
    const asked: SimSpec[] = [];
    const profile = withEngines(REC_IO, { normal: false, mmapDevice: false, mmapCache: false });
    const out = await predictPlan(ioEnginesPlan(), { ...common, profile, simulate: readaheadSimulator(asked) });
    expect(asked.every((s) => s.pagecache.readahead_bytes === 0)).toBe(true);
    const by = (config: string) => out.predictions.find((p) => p.config === config)!;
    expect(by("pread-1[io.fadvise=normal]").tokS).toBeCloseTo(by("pread-1[io.fadvise=random]").tokS!, 9);
    expect(by("mmap-1[io.fadvise=normal]").tokS).toBeNull();
    expect(by("mmap-1[io.fadvise=normal]").missing.join(" ")).toContain("device_read engine mmap");
  });

  test("a readahead written in the simulate section wins over the profile's", async () => {
    const asked: SimSpec[] = [];
    const fixed = { ...section, readahead: 65536 };
    await predictPlan(ioEnginesPlan(), { ...common, section: fixed, profile: withEngines(REC_IO), simulate: readaheadSimulator(asked) });
    expect(asked.every((s) => s.pagecache.readahead_bytes === 65536)).toBe(true);
  });
});
