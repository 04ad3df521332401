// bench_kernels' table (threads, bits, variant, kernel and read GB/s, CPU shares) parsed into
// rows for the profile; its header, notes and load lines are not rows.

import { expect, test } from "bun:test";
import { parseKernelTable } from "../harness/probe/memory-probe.ts";

test("bench_kernels' table becomes rows, headers and notes skipped", () => {
  const text = [
    "kernels: 1024x4096 matrices, group 64, 64 MiB of matrices",
    "load average before: 8.31 8.64 7.77",
    "cpu_share: CPU time the pass got / (wall time × threads); below 1 = other tenants' load.",
    "threads  bits  variant   kernel_gbps    read_gbps    ratio kernel_cpu   read_cpu",
    "1        2     scalar           0.18        10.13     0.02       0.51       0.51",
    "2        8     avx512           7.39        10.94     0.68       0.35       0.35",
    "load average after: 8.31 8.64 7.77",
  ].join("\n");
  expect(parseKernelTable(text)).toEqual([
    { threads: 1, bits: 2, variant: "scalar", gbps: 0.18, readGbps: 10.13, cpuShare: 0.51 },
    { threads: 2, bits: 8, variant: "avx512", gbps: 7.39, readGbps: 10.94, cpuShare: 0.35 },
  ]);
});
