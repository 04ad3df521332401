// Reads through page faults (bench_io --engine mmap): device reads of dropped pages under
// madvise normal and random, and copies out of a fresh mapping of resident pages — each sample
// in a process of its own, so that every sample maps the files afresh and faults on first touch.

import { statSync } from "node:fs";
import { benchIo, type BenchIoOptions, type BenchIoSample } from "./bench-io.ts";
import { assertCold, layerFiles, measurement, type ReadProbeOptions, type ReadProbeResult } from "./device-probe.ts";

const TOOL = "tierbench probe (bench_io, mmap + memcpy, one process per sample)";
const WARM_SPAN = 512 * 2 ** 20;   // bytes of each file kept warm, as for the pread pool's figure

/** Device reads at these parallelisms; page-cache copies at these (copying is CPU work). */
export const MMAP_PARALLELISM = [1, 8] as const;
export const MMAP_CACHE_PARALLELISM = [1, 2] as const;

/** One sample per bench_io process: a mapping outlives the samples of one process, and pages it
 * maps can neither be dropped (posix_fadvise DONTNEED skips mapped pages) nor fault again. */
function freshSamples(o: Omit<BenchIoOptions, "samples">, samples: number): BenchIoSample[] {
  return Array.from({ length: samples }, (_, i) => benchIo({ ...o, samples: 1, seed: i + 1 })[0]!);
}

/** device_read engine mmap, buffered-cold, madvise normal and random. The rate counts requested
 * bytes over the time faults took, readahead included. */
export function probeMmapDeviceReads(o: ReadProbeOptions): ReadProbeResult {
  const files = layerFiles(o.modelDir);
  const out: ReadProbeResult = { measurements: [], skipped: [] };
  for (const fadvise of ["normal", "random"] as const) {
    try {
      for (const parallelism of o.parallelism) {
        const samples = freshSamples({ files, recordBytes: o.recordBytes, engine: "mmap", parallel: parallelism, mode: "buffered-cold", fadvise, seconds: o.sampleSeconds }, o.samples);
        assertCold(files, samples);
        const m = measurement("device_read", { recordBytes: o.recordBytes, parallelism, mode: "buffered-cold", fadvise, engine: "mmap" }, samples, o.modelDir, TOOL);
        o.note?.(`  device through faults, madvise ${fadvise}, ${parallelism} in flight: ${m.value.toFixed(2)} GB/s (device/requested ${Number(m.details!.deviceBytesPerRequested).toFixed(2)})`);
        out.measurements.push(m);
      }
    } catch (err) {
      out.skipped.push({ what: `device_read mmap fadvise ${fadvise}`, reason: (err as Error).message });
    }
  }
  return out;
}

/** page_cache_read engine mmap: one pass over the warm records of a fresh mapping, i.e. a minor
 * fault per fault-around window and one read (and copy) of every page through 4 KB-page TLB
 * entries; less the pread pool's page_cache_read, the cost of using a resident record in place
 * (mmap-zerocopy, model-inputs.ts). */
export function probeMmapPageCacheReads(o: ReadProbeOptions): ReadProbeResult {
  const files = layerFiles(o.modelDir);
  const out: ReadProbeResult = { measurements: [], skipped: [] };
  const records = files.reduce((a, f) => a + Math.floor(Math.min(statSync(f).size, WARM_SPAN) / o.recordBytes), 0);
  try {
    for (const parallelism of o.parallelism) {
      const samples = freshSamples({
        files, recordBytes: o.recordBytes, engine: "mmap", parallel: parallelism, mode: "buffered-warm",
        seconds: o.sampleSeconds, spanBytes: WARM_SPAN, maxBytes: records * o.recordBytes,   // each record once: every page faults
      }, o.samples);
      const m = measurement("page_cache_read", { recordBytes: o.recordBytes, parallelism, engine: "mmap" }, samples, o.modelDir, TOOL);
      o.note?.(`  page cache through faults, ${parallelism} in flight: ${m.value.toFixed(2)} GB/s`);
      out.measurements.push(m);
    }
  } catch (err) {
    out.skipped.push({ what: "page_cache_read mmap", reason: (err as Error).message });
  }
  return out;
}
