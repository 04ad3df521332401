// The noise rules on known inputs (steal > 2 % of the run's CPU time, others' disk bytes > 10 %
// of the run's own, runnable threads > 1.5 × cores for > 10 % of the run — each at and past its
// limit), the /proc parsers on captured texts, a window's counters from two snapshots, and
// device-bandwidth drift between the probes around a sweep.

import { describe, expect, test } from "bun:test";
import { judgeNoise, NOISE_LIMITS, type NoiseInput } from "../harness/counters/noise.ts";
import { parseProcIo, type ProcessCounters } from "../harness/counters/process-counters.ts";
import { driftOf, describeDrift } from "../harness/counters/probe-drift.ts";
import { runCounters } from "../harness/counters/run-counters.ts";
import { parseLoadavgRunning } from "../harness/counters/runnable-threads.ts";
import { parseCpuTicks, parseDiskstats, parsePsi, type SystemSnapshot } from "../harness/counters/system-snapshot.ts";
import type { Measurement } from "../harness/probe/machine-profile.ts";

const MB = 1e6;
const quiet: NoiseInput = { stealShare: 0, ownDiskBytes: 500 * MB, othersDiskBytes: 0, runnable: [1, 2, 2, 1], cores: 2 };

describe("noise rules", () => {
  test("a quiet run is not noisy and every rule was judged", () => {
    expect(judgeNoise(quiet)).toEqual({ noisy: false, reasons: [], unmeasured: [], overloadedShare: 0 });
  });

  test.each([
    ["steal at 2 %", false, { stealShare: 0.02 }],
    ["steal at 3 %", true, { stealShare: 0.03 }],
    ["others' disk bytes at 10 % of the run's", false, { othersDiskBytes: 50 * MB }],
    ["others' disk bytes at 15 % of the run's", true, { othersDiskBytes: 75 * MB }],
    ["others' traffic under the floor beside a run that read nothing", false, { ownDiskBytes: 0, othersDiskBytes: NOISE_LIMITS.othersDiskFloorBytes }],
    ["others' traffic over the floor beside a run that read nothing", true, { ownDiskBytes: 0, othersDiskBytes: 4 * MB }],
    ["runnable threads at 1.5 × cores throughout", false, { runnable: [3, 3, 3, 3] }],
    ["runnable threads over 1.5 × cores in 1 of 10 samples", false, { runnable: [4, 1, 1, 1, 1, 1, 1, 1, 1, 1] }],
    ["runnable threads over 1.5 × cores in 2 of 10 samples", true, { runnable: [4, 4, 1, 1, 1, 1, 1, 1, 1, 1] }],
  ] as const)("%s → noisy: %p", (_, noisy, change) => {
    const v = judgeNoise({ ...quiet, ...change });
    expect(v.noisy).toBe(noisy);
    expect(v.reasons.length).toBe(noisy ? 1 : 0);
  });

  test("each broken rule is a sentence with the figure and its limit", () => {
    const v = judgeNoise({ stealShare: 0.05, ownDiskBytes: 100 * MB, othersDiskBytes: 40 * MB, runnable: [5, 5, 1, 1], cores: 2 });
    expect(v.reasons).toEqual([
      "CPU steal 5.0 % of the run's CPU time (limit 2.0 %)",
      "other tenants moved 40000000 bytes on the model's disk, 40.0 % of the run's own 100000000 (limit 10.0 %)",
      "more than 1.5 × 2 cores' runnable threads for 50.0 % of the run (limit 10.0 %)",
    ]);
    expect(v.overloadedShare).toBe(0.5);
  });

  test("rules without data are listed as unmeasured, never passed silently", () => {
    const v = judgeNoise({ stealShare: null, ownDiskBytes: null, othersDiskBytes: null, runnable: [], cores: 2 });
    expect(v.noisy).toBe(false);
    expect(v.unmeasured).toHaveLength(3);
  });
});

describe("/proc parsers", () => {
  test("CPU ticks: busy, idle (iowait included) and steal", () => {
    expect(parseCpuTicks("cpu  100 5 50 1000 20 1 4 7 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n")).toEqual({ busy: 160, idle: 1020, steal: 7 });
    expect(parseCpuTicks(null)).toBeNull();
  });
  test("PSI totals in µs, full absent for CPU on older kernels", () => {
    expect(parsePsi("some avg10=0.00 avg60=0.00 avg300=0.00 total=1234\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=56\n")).toEqual({ someUs: 1234, fullUs: 56 });
    expect(parsePsi("some avg10=0.00 avg60=0.00 avg300=0.00 total=99\n")).toEqual({ someUs: 99, fullUs: null });
  });
  test("diskstats: one device's sectors as bytes (512 B sectors whatever the device's)", () => {
    const text = " 254       0 vda 198442 13382 29875482 121149 122940 73188 57504160 370380 1 91268 545386\n 254       1 vda1 10 0 80 1 0 0 0 0 0 1 1\n";
    expect(parseDiskstats(text, "vda")).toEqual({ device: "vda", readBytes: 29875482 * 512, writeBytes: 57504160 * 512 });
    expect(parseDiskstats(text, "sdb")).toBeNull();
  });
  test("runnable threads from loadavg; a process's I/O from /proc/<pid>/io", () => {
    expect(parseLoadavgRunning("9.09 7.38 5.47 8/190 23729\n")).toBe(8);
    expect(parseProcIo("rchar: 14773\nwchar: 379\nsyscr: 32\nsyscw: 1\nread_bytes: 5058560\nwrite_bytes: 4096\ncancelled_write_bytes: 0\n"))
      .toEqual({ deviceReadBytes: 5058560, deviceWriteBytes: 4096, readCallBytes: 14773 });
    expect(parseProcIo(null)).toEqual({ deviceReadBytes: null, deviceWriteBytes: null, readCallBytes: null });
  });
});

describe("a window's counters", () => {
  const snap = (atMs: number, k: number): SystemSnapshot => ({
    atMs,
    cpu: { busy: 1000 * k, idle: 500 * k, steal: 30 * k },
    vmstat: { pgmajfault: 10 * k, pgscan_direct: 0 },
    psi: { io: { someUs: 2e6 * k, fullUs: 1e6 * k }, cpu: { someUs: 5e5 * k, fullUs: null } },
    disk: { device: "vda", readBytes: 300 * MB * k, writeBytes: 10 * MB * k },
  });
  const proc = (atMs: number, read: number, majorFaults: number): ProcessCounters => ({
    atMs, deviceReadBytes: read, deviceWriteBytes: 0, readCallBytes: 2 * read, majorFaults, minorFaults: 0,
    voluntaryCtxSwitches: 10, involuntaryCtxSwitches: 4, userCpuS: 1, systemCpuS: 0.5,
  });

  test("deltas, steal share, the run's and others' disk bytes, and read amplification", () => {
    const c = runCounters({
      start: snap(1000, 1), end: snap(3000, 2), procStart: proc(1010, 0, 1), procEnd: proc(2990, 250 * MB, 5), runnable: [1, 3, 2],
      readAheadKb: 128, engineStats: { read_bytes: 200 * MB, device_bytes: 125 * MB }, psiScope: "system",
    });
    expect(c.windowS).toBeCloseTo(1.98, 6);
    expect(c.process).toMatchObject({ deviceReadBytes: 250 * MB, majorFaults: 4, cpuS: 0 });
    expect(c.stealShare).toBeCloseTo(30 / 1530, 9);
    expect(c.disk).toEqual({ device: "vda", bytes: 310 * MB, ownBytes: 250 * MB, othersBytes: 60 * MB });
    expect(c.readAmplification).toBe(1.25);
    expect(c.deviceOverAttributed).toBe(2);
    expect(c.vmstat).toEqual({ pgmajfault: 10, pgscan_direct: 0 });
    expect(c.psi.stallS).toEqual({ io: { some: 2, full: 1 }, cpu: { some: 0.5, full: null } });
    expect(c.psi.note).toContain("system-wide");
    expect(c.runnable).toEqual({ samples: 3, mean: 2, max: 3 });
  });

  test("a child that died inside its window has no process counters, and others' bytes are unknown", () => {
    const c = runCounters({ start: snap(0, 1), end: snap(500, 2), procStart: proc(0, 0, 0), procEnd: null, runnable: [], readAheadKb: null, psiScope: "system" });
    expect(c.process).toBeNull();
    expect(c.disk).toMatchObject({ ownBytes: null, othersBytes: null });
    expect(c.readAmplification).toBeNull();
  });
});

describe("drift between the probes around a sweep", () => {
  const m = (mode: string, value: number): Measurement => ({
    what: "device_read", params: { recordBytes: 27648, parallelism: 4, mode }, value, unit: "GB/s", samples: [value],
    tool: "tierbench quick probe", target: "/m", measuredAt: "",
  });
  test("each setting measured before is matched after, as a relative change", () => {
    const changes = driftOf([m("direct", 2), m("buffered-cold", 1)], [m("buffered-cold", 0.9), m("direct", 2.5)]);
    expect(changes.map((c) => [c.mode, c.beforeGbps, c.afterGbps, c.change])).toEqual([["direct", 2, 2.5, 0.25], ["buffered-cold", 1, 0.9, expect.closeTo(-0.1, 9)]]);
    expect(describeDrift(changes)[0]).toBe("device read drift over the sweep: direct, 4 in flight: 2.00 → 2.50 GB/s (+25.0 %)");
  });
  test("an interrupted sweep has no after-probe: drift unknown", () => {
    expect(driftOf([m("direct", 2)], null)[0]).toMatchObject({ afterGbps: null, change: null });
  });
});
