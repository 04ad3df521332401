// The gap decomposition recovers the parts a synthetic run was built from: device time at the
// profile's bandwidth, the wait beyond it, page-cache copies hidden or not under device reads,
// bookkeeping, compute, contention, prefetch, readahead — and leaves what none of them explain
// in the remainder, with its sign.

import { describe, expect, test } from "bun:test";
import { decompose, meanDecomposition, part, type Decomposition, type PartId } from "../harness/theory/decompose.ts";
import { ioInputs } from "../harness/theory/model-inputs.ts";
import { observationFromRecord } from "../harness/theory/observation.ts";
import { machineRates } from "../harness/theory/profile-rates.ts";
import { MS, profileOf, syntheticRecord, type SyntheticRun } from "./theory-fixtures.ts";

const REC = 4e6;
/** 4 layers × 4 experts of 4 MB, every byte from the device: 64 MB per token; at 2 GB/s with 4
 * in flight a layer's reads take 16 MB / 2 GB/s = 8 ms, so 32 ms per token at ceiling speed. */
const ALL_DEVICE: SyntheticRun = {
  layers: 4, k: 4, recordBytes: REC,
  wallMs: { wait: 37, dense: 12, expert: 6, combine: 1, cache: 0.5, routing: 0.2 },
  cpuMs: { dense: 10 },
  bytes: { device: 64e6 },
};
const FLAT = profileOf({ recordBytes: REC, device: { 1: 2, 4: 2 }, pageCache: { 1: 10, 4: 10 } });

function run(s: SyntheticRun, profile = FLAT): Decomposition {
  const o = observationFromRecord(syntheticRecord(s))!;
  return decompose(o, ioInputs(machineRates(profile), o.setup, 0));
}
const ms = (d: Decomposition, id: PartId) => part(d, id).s / MS;

describe("decompose", () => {
  test("a serial all-device run: every part as built, 2 ms off CPU left in the remainder", () => {
    const d = run(ALL_DEVICE);
    expect(d.totalS / MS).toBeCloseTo(56.7, 9);
    const expected: Record<PartId, number> = {
      device: 32, ioInefficiency: 5, pageCache: 0, bookkeeping: 0.7, expert: 7, dense: 10, prefetch: 0, contention: 0, remainder: 2,
    };
    for (const [id, v] of Object.entries(expected)) expect(ms(d, id as PartId)).toBeCloseTo(v, 9);
    expect(d.parts.reduce((a, p) => a + p.share, 0)).toBeCloseTo(1, 12);
    expect(d.notes.map((n) => n.id)).toEqual(["off-cpu"]);
  });

  test("page-cache copies hidden under a concurrent device read are not counted", () => {
    // K = 2, 2 workers, half the requests from each source. Two device reads (p = 1/4) take
    // 2 MB / 1.6 GB/s; two page-cache reads (1/4) 2 MB / 12 GB/s; one of each (1/2) wait for the
    // device read, 1 MB / 1 GB/s, and the copy (1 MB / 8 GB/s) runs under it.
    const profile = profileOf({ recordBytes: 1e6, device: { 1: 1, 2: 1.6 }, pageCache: { 1: 8, 2: 12 } });
    const d = run({ layers: 1, k: 2, recordBytes: 1e6, wallMs: { wait: 1 }, bytes: { device: 1e6, pageCache: 1e6 }, engine: { "io.threads": 2 } }, profile);
    const device = 0.25 * (2e6 / 1.6e9) + 0.5 * (1e6 / 1e9);
    const copies = 0.25 * (2e6 / 12e9);
    expect(part(d, "device").s).toBeCloseTo(device, 12);
    expect(part(d, "pageCache").s).toBeCloseTo(copies, 12);
    expect(part(d, "ioInefficiency").s).toBeCloseTo(1e-3 - device - copies, 12);
    expect(part(d, "remainder").s).toBeCloseTo(0, 12);
  });

  test("with more threads than cores, wall minus CPU of compute stages is contention", () => {
    const d = run({ ...ALL_DEVICE, engine: { "compute.threads": 4 }, cores: 2 });
    expect(ms(d, "contention")).toBeCloseTo(2, 9);
    expect(ms(d, "remainder")).toBeCloseTo(0, 9);
  });

  test("other tenants' runnable threads above the cores count as contention too", () => {
    const environment = { counters: { runnable: { mean: 3.5 } } };
    const d = run({ ...ALL_DEVICE, cores: 2, environment });
    expect(ms(d, "contention")).toBeCloseTo(2, 9);
  });

  test("overlapped: only the exposed wait holds read time; the rest is reported as hidden", () => {
    const d = run({ ...ALL_DEVICE, engine: { "exec.mode": "overlapped" }, wallMs: { ...ALL_DEVICE.wallMs, wait: 20 } });
    expect(ms(d, "device")).toBeCloseTo(20, 9);
    expect(ms(d, "ioInefficiency")).toBeCloseTo(0, 9);
    expect(d.hiddenIoS / MS).toBeCloseTo(12, 9);
  });

  test("prefetch: issuing time and the demand wait its device reads explain", () => {
    // 4 MB of prefetch reads per token at 2 GB/s: 2 ms of the 5 ms wait beyond ceiling.
    const d = run({ ...ALL_DEVICE, wallMs: { ...ALL_DEVICE.wallMs, cache: 0.8 }, extraStats: { prefetch_device_bytes: 4e6, prefetch_issue_s: 0.3 * MS } });
    expect(ms(d, "prefetch")).toBeCloseTo(2.3, 9);
    expect(ms(d, "ioInefficiency")).toBeCloseTo(3, 9);
    expect(ms(d, "bookkeeping")).toBeCloseTo(0.7, 9);
  });

  test("readahead measured by the OS is the amplification share of the inefficiency", () => {
    const environment = { counters: { process: { deviceReadBytes: 100 * 68e6 } } };
    const d = run({ ...ALL_DEVICE, environment });
    expect(d.amplificationS! / MS).toBeCloseTo(2, 9);       // 4 MB beyond the 64 asked, at 2 GB/s
    expect(ms(d, "ioInefficiency")).toBeCloseTo(5, 9);       // amplification is inside it
    // The window also holds the resident weights' first reads: at most their size is not readahead.
    const withResident = run({ ...ALL_DEVICE, environment, residentBytes: 100 * 2e6 });
    expect(withResident.amplificationS! / MS).toBeCloseTo(1, 9);
  });

  test("reads faster than the ceiling leave a negative remainder and say so", () => {
    const d = run({ ...ALL_DEVICE, cpuMs: {}, wallMs: { ...ALL_DEVICE.wallMs, wait: 30 } });
    expect(ms(d, "ioInefficiency")).toBe(0);
    expect(ms(d, "remainder")).toBeCloseTo(-2, 9);
    expect(d.notes.map((n) => n.id)).toContain("faster-than-ceiling");
  });

  test("without a device bandwidth nothing is at ceiling speed: the whole wait is inefficiency", () => {
    const d = run(ALL_DEVICE, profileOf({ recordBytes: REC, device: {} }));
    expect(ms(d, "device")).toBe(0);
    expect(ms(d, "ioInefficiency")).toBeCloseTo(37, 9);
    expect(d.notes.map((n) => n.id)).toContain("no-device-rate");
  });

  test("the mean of runs keeps the parts summing to the mean total", () => {
    const m = meanDecomposition([run(ALL_DEVICE), run({ ...ALL_DEVICE, wallMs: { ...ALL_DEVICE.wallMs, wait: 41 } })])!;
    expect(m.totalS / MS).toBeCloseTo(58.7, 9);
    expect(ms(m, "ioInefficiency")).toBeCloseTo(7, 9);
    expect(m.parts.reduce((a, p) => a + p.s, 0)).toBeCloseTo(m.totalS, 12);
  });
});
