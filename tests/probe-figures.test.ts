// Reading ceilings out of a profile: the exact figure when measured, else the nearest (by
// log distance in each numeric param, matching text params), and the fastest kernel variant;
// bench_kernels' table parsed into rows.

import { expect, test } from "bun:test";
import { deviceReadGbps, kernelGbps, memoryGbps, pageCacheReadGbps } from "../harness/probe/profile-figures.ts";
import { parseKernelTable } from "../harness/probe/memory-probe.ts";
import type { MachineProfile, Measurement } from "../harness/probe/machine-profile.ts";

const m = (what: string, params: Measurement["params"], value: number): Measurement =>
  ({ what, params, value, unit: "GB/s", samples: [value], tool: "test", measuredAt: "2026-01-01T00:00:00Z" });

const profile: MachineProfile = {
  version: 1,
  machine: { hostname: "h", os: "linux", cpuModel: "c", cores: 8, ramBytes: 1, storage: null },
  measurements: [
    m("device_read", { recordBytes: 4096, parallelism: 1, mode: "direct" }, 1),
    m("device_read", { recordBytes: 4096, parallelism: 4, mode: "direct" }, 3),
    m("device_read", { recordBytes: 4096, parallelism: 16, mode: "direct" }, 5),
    m("device_read", { recordBytes: 4096, parallelism: 4, mode: "buffered-cold" }, 2),
    m("page_cache_read", { recordBytes: 4096, parallelism: 2 }, 9),
    m("memory_copy", { threads: 1 }, 10),
    m("memory_copy", { threads: 8 }, 30),
    m("kernel", { bits: 4, threads: 8, variant: "scalar" }, 0.5),
    m("kernel", { bits: 4, threads: 8, variant: "avx2" }, 6),
    m("kernel", { bits: 2, threads: 8, variant: "avx2" }, 7),
  ],
};

test("an exact figure is used as it is", () => {
  expect(deviceReadGbps(profile, 4096, 4, "direct")).toMatchObject({ gbps: 3, exact: true });
  expect(deviceReadGbps(profile, 4096, 4, "buffered-cold")).toMatchObject({ gbps: 2, exact: true });
});

test("a missing figure falls back to the nearest of the same mode", () => {
  expect(deviceReadGbps(profile, 4096, 8, "direct")).toMatchObject({ exact: false });
  expect(deviceReadGbps(profile, 4096, 12, "direct")!.gbps).toBe(5);       // log2: 12 is nearer 16 than 4
  expect(deviceReadGbps(profile, 4096, 2, "buffered-cold")!.gbps).toBe(2);  // never a direct figure
  expect(pageCacheReadGbps(profile, 8192, 1)).toMatchObject({ gbps: 9, exact: false });
  expect(memoryGbps(profile, "copy", 6)!.gbps).toBe(30);
  expect(memoryGbps(profile, "read", 1)).toBeNull();
  expect(deviceReadGbps(null, 4096, 1, "direct")).toBeNull();
});

test("the fastest kernel variant at a bit width", () => {
  expect(kernelGbps(profile, 4, 8)).toMatchObject({ gbps: 6, exact: true });
  expect(kernelGbps(profile, 2, 2)).toMatchObject({ gbps: 7, exact: false });
  expect(kernelGbps(profile, 8, 8)).toMatchObject({ gbps: 6, exact: false });   // 8 bits: nearest is 4, not 2
});

test("bench_kernels' table becomes rows, headers and notes skipped", () => {
  const text = [
    "kernels: 1024x4096 matrices, group 64, 64 MiB of matrices",
    "load average before: 8.31 8.64 7.77",
    "threads  bits  variant   kernel_gbps    read_gbps    ratio kernel_cpu   read_cpu",
    "1        2     scalar           0.18        10.13     0.02       0.51       0.51",
    "2        8     avx512           7.39        10.94     0.68       0.35       0.35",
  ].join("\n");
  expect(parseKernelTable(text)).toEqual([
    { threads: 1, bits: 2, variant: "scalar", gbps: 0.18, readGbps: 10.13, cpuShare: 0.51 },
    { threads: 2, bits: 8, variant: "avx512", gbps: 7.39, readGbps: 10.94, cpuShare: 0.35 },
  ]);
});
