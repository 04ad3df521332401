// What the full probe measures on this machine: record sizes, parallelism, thread counts and
// sampling. A pure value, recorded in the profile: a profile whose recorded plan equals the
// current one (on the same machine) is up to date and is not probed again.

import { canonicalJson } from "../results/spec-hash.ts";
import { READAHEAD_PARALLELISM } from "./device-probe.ts";
import { MMAP_CACHE_PARALLELISM, MMAP_PARALLELISM } from "./mmap-probe.ts";

export interface ProbePlan {
  recordBytes: number[];        // expert record sizes (bytes), one model per size
  parallelism: number[];        // device reads in flight
  cacheParallelism: number[];   // page-cache reads in flight (copying is CPU work: up to the cores)
  readaheadParallelism: number[]; // buffered-cold reads in flight under fadvise normal (readahead)
  mmapParallelism: number[];    // device reads in flight through page faults (io.engine mmap)
  mmapCacheParallelism: number[]; // copies out of a fresh mapping of resident pages in flight
  threads: number[];            // memory and kernel threads
  kernelBits: number[];         // bench_kernels measures 2, 4 and 8
  samples: number;              // per setting; the figure is their median
  sampleSeconds: number;        // reading time per I/O sample
  memoryMib: number;            // buffer per memory pass, far above the last-level cache
  kernelMib: number;            // matrices per kernel pass
}

/** The default plan: both record sizes of the qwen3.5-397b-a17b preset (2- and 4-bit), and
 * thread counts 1 and every core. About a minute and a half on a small machine (the fadvise-normal
 * and mmap reads add some 25 s of it). */
export function defaultPlan(recordBytes: readonly number[], cores: number): ProbePlan {
  const upTo = (xs: number[]) => [...new Set(xs.filter((x) => x <= cores).concat(cores))].sort((a, b) => a - b);
  return {
    recordBytes: [...recordBytes].sort((a, b) => a - b),
    parallelism: [1, 2, 4, 8, 16, 32],
    cacheParallelism: upTo([1]),
    readaheadParallelism: [...READAHEAD_PARALLELISM],
    mmapParallelism: [...MMAP_PARALLELISM],
    mmapCacheParallelism: [...MMAP_CACHE_PARALLELISM],
    threads: upTo([1]),
    kernelBits: [2, 4, 8],
    samples: 3,
    sampleSeconds: 0.3,
    memoryMib: 256,
    kernelMib: 256,
  };
}

export const samePlan = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
