// Memory copy and read bandwidth (bench_mem) and expert-kernel throughput per bit width and
// thread count (bench_kernels), as profile measurements.

import { median } from "../results/summary-stats.ts";
import { jsonLines, runBench } from "./bench-programs.ts";
import type { Measurement } from "./machine-profile.ts";

interface MemSample { op: "copy" | "read"; threads: number; gbps: number }

export function probeMemory(o: { threads: readonly number[]; samples: number; mib: number }): Measurement[] {
  const lines = jsonLines<MemSample>(runBench("bench_mem", ["--mib", String(o.mib), "--samples", String(o.samples), "--threads", o.threads.join(",")]));
  const out: Measurement[] = [];
  for (const op of ["copy", "read"] as const)
    for (const threads of o.threads) {
      const samples = lines.filter((l) => l.op === op && l.threads === threads).map((l) => l.gbps);
      if (samples.length === 0) throw new Error(`bench_mem printed no ${op} samples for ${threads} threads`);
      out.push({
        what: `memory_${op}`, params: { threads }, value: median(samples), unit: "GB/s", samples,
        tool: "tierbench probe (bench_mem)", measuredAt: new Date().toISOString(),
        details: { bufferMib: o.mib },
      });
    }
  return out;
}

/** One row of bench_kernels' table: "threads bits variant kernel_gbps read_gbps ratio kernel_cpu read_cpu". */
export interface KernelRow { threads: number; bits: number; variant: string; gbps: number; readGbps: number; cpuShare: number }

export function parseKernelTable(text: string): KernelRow[] {
  const rows: KernelRow[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 8 || !/^\d+$/.test(f[0]!) || !/^\d+$/.test(f[1]!)) continue;
    const [threads, bits, variant, gbps, readGbps, , cpuShare] = f;
    rows.push({ threads: Number(threads), bits: Number(bits), variant: variant!, gbps: Number(gbps), readGbps: Number(readGbps), cpuShare: Number(cpuShare) });
  }
  return rows;
}

/** bench_kernels runs 1 and `maxThreads` threads; each variant at each bit width is one figure
 * (the median bench_kernels reports), with the CPU share it got (below 1: other tenants). */
export function probeKernels(o: { maxThreads: number; samples: number; mib: number }): Measurement[] {
  const text = runBench("bench_kernels", ["--mib", String(o.mib), "--reps", String(o.samples), "--threads", String(o.maxThreads), "--scalar-mib", "8"]);
  const rows = parseKernelTable(text);
  if (rows.length === 0) throw new Error(`bench_kernels printed no result rows:\n${text}`);
  return rows.map((r) => ({
    what: "kernel", params: { bits: r.bits, threads: r.threads, variant: r.variant }, value: r.gbps, unit: "GB/s",
    samples: [r.gbps], tool: "tierbench probe (bench_kernels, median of its repetitions)", measuredAt: new Date().toISOString(),
    details: { cpuShare: r.cpuShare, memoryReadGbps: r.readGbps, repetitions: o.samples },
  }));
}
