// Typed access to bench_io (engine-c/bench/bench_io.c): sustained read bandwidth of one I/O
// engine over the expert records of layer files, P reads in flight, one sample per line.

import { jsonLines, runBench } from "./bench-programs.ts";

export type IoMode = "direct" | "buffered-cold" | "buffered-warm";

export interface BenchIoOptions {
  files: readonly string[];
  recordBytes: number;
  engine?: string;             // an io.engine (default pread)
  parallel: number;            // reads in flight: threads (pread, mmap) or ring slots (io_uring)
  mode: IoMode;
  seconds?: number;            // per sample (default 0.3)
  samples?: number;            // default 3
  fadvise?: "normal" | "random" | "sequential";   // default random: no readahead beyond the record
  chunk?: number;              // io.chunk, bytes
  spanBytes?: number;          // only records within the first spanBytes of each file
  maxBytes?: number;           // a sample ends once it read this many bytes
  seed?: number;
}

/** One sample as bench_io prints it (bytes and seconds of record reads; device_bytes from
 * /proc/self/io read_bytes over the sample; resident_before: page-cache bytes of the files
 * when a cold sample began, -1 for warm samples). */
export interface BenchIoSample {
  engine: string;
  mode: IoMode;
  parallel: number;
  record_bytes: number;
  fadvise: string;
  reads: number;
  bytes: number;
  seconds: number;
  gbps: number;
  device_bytes: number;
  resident_before: number;
  cpu_s: number;
}

export function benchIoArgs(o: BenchIoOptions): string[] {
  const args = [
    "--record", String(o.recordBytes), "--engine", o.engine ?? "pread", "--parallel", String(o.parallel),
    "--mode", o.mode, "--seconds", String(o.seconds ?? 0.3), "--samples", String(o.samples ?? 3),
    "--fadvise", o.fadvise ?? "random", "--seed", String(o.seed ?? 1),
  ];
  if (o.chunk) args.push("--chunk", String(o.chunk));
  if (o.spanBytes) args.push("--span", String(o.spanBytes));
  if (o.maxBytes) args.push("--max-bytes", String(o.maxBytes));
  return [...args, ...o.files];
}

export function benchIo(o: BenchIoOptions): BenchIoSample[] {
  return jsonLines<BenchIoSample>(runBench("bench_io", benchIoArgs(o)));
}
