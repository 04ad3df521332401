// Device and page-cache read bandwidth on the model's own layer files through the pread pool
// (bench_io): direct, buffered-cold (dropped pages, fadvise RANDOM; NORMAL too, for readahead's
// amplification) and warm; each figure the median of its samples, with the device bytes each
// requested byte cost. Reads through page faults (io.engine mmap) are probed in mmap-probe.ts.

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { median } from "../results/summary-stats.ts";
import { benchIo, type BenchIoSample, type IoMode } from "./bench-io.ts";
import type { Measurement } from "./machine-profile.ts";

export interface ReadProbeOptions {
  modelDir: string;
  recordBytes: number;
  parallelism: readonly number[];
  samples: number;
  sampleSeconds: number;
  note?: (line: string) => void;
}

export interface ReadProbeResult {
  measurements: Measurement[];
  skipped: { what: string; reason: string }[];
}

export const TOOL = "tierbench probe (bench_io, pread pool)";
const WARM_SPAN = 512 * 2 ** 20;   // bytes of each file kept warm for page-cache reads

/** Readahead figures: few parallelisms keep the probe's added time small. */
export const READAHEAD_PARALLELISM = [1, 4, 8] as const;
/** Whole records (0) and io.chunk 1 MiB: a record read in sequential chunks is a stream to the
 * kernel, whose readahead then runs far past the record; one whole-record read is not. */
export const READAHEAD_CHUNKS = [0, 2 ** 20] as const;

export function layerFiles(modelDir: string): string[] {
  const files = readdirSync(modelDir).filter((f) => /^layer_\d+\.bin$/.test(f)).sort().map((f) => join(modelDir, f));
  if (files.length === 0) throw new Error(`${modelDir}: no layer_XX.bin files to probe`);
  return files;
}

export function measurement(what: string, params: Measurement["params"], samples: BenchIoSample[], target: string, tool = TOOL): Measurement {
  const bytes = samples.reduce((a, s) => a + s.bytes, 0);
  const device = samples.reduce((a, s) => a + Math.max(0, s.device_bytes), 0);
  const details: Record<string, number> = {
    deviceBytesPerRequested: bytes > 0 ? device / bytes : 0,
    cpuSecondsPerGB: samples.reduce((a, s) => a + s.cpu_s, 0) / (bytes / 1e9),
  };
  const resident = samples.map((s) => s.resident_before).filter((r) => r >= 0);
  if (resident.length) details.residentBytesAtStart = Math.max(...resident);
  return {
    what, params, value: median(samples.map((s) => s.gbps)), unit: "GB/s", samples: samples.map((s) => s.gbps),
    tool, target, measuredAt: new Date().toISOString(), details,
  };
}

/** Cold means cold: pages that posix_fadvise(DONTNEED) cannot drop (tmpfs, or mapped by another
 * process) would be read from memory and reported as the device. */
export function assertCold(files: string[], samples: BenchIoSample[]): void {
  const total = files.reduce((a, f) => a + statSync(f).size, 0);
  const resident = Math.max(...samples.map((s) => s.resident_before));
  if (resident > 0.01 * total)
    throw new Error(`${(resident / 2 ** 20).toFixed(0)} MiB of the layer files stayed in the page cache after ` +
      "posix_fadvise(DONTNEED) (a tmpfs, or pages another process maps): buffered reads would not be cold");
}

/** device_read for every parallelism, direct and buffered-cold. A mode the file system refuses
 * (O_DIRECT on tmpfs, say) is skipped with the reason. */
export function probeDeviceReads(o: ReadProbeOptions): ReadProbeResult {
  const files = layerFiles(o.modelDir);
  const out: ReadProbeResult = { measurements: [], skipped: [] };
  for (const mode of ["direct", "buffered-cold"] as IoMode[]) {
    try {
      for (const parallelism of o.parallelism) {
        const samples = benchIo({ files, recordBytes: o.recordBytes, parallel: parallelism, mode, samples: o.samples, seconds: o.sampleSeconds });
        if (mode === "buffered-cold") assertCold(files, samples);
        const m = measurement("device_read", { recordBytes: o.recordBytes, parallelism, mode }, samples, o.modelDir);
        o.note?.(`  device ${mode}, ${parallelism} in flight: ${m.value.toFixed(2)} GB/s (device/requested ${Number(m.details!.deviceBytesPerRequested).toFixed(2)})`);
        out.measurements.push(m);
      }
    } catch (err) {
      out.skipped.push({ what: `device_read ${mode}`, reason: (err as Error).message });
    }
  }
  return out;
}

/** device_read buffered-cold under fadvise NORMAL at a few parallelisms: what readahead costs in
 * time and, in details.deviceBytesPerRequested, in bytes (the predictions' readahead). */
export function probeReadahead(o: ReadProbeOptions): ReadProbeResult {
  const files = layerFiles(o.modelDir);
  const out: ReadProbeResult = { measurements: [], skipped: [] };
  try {
    for (const chunk of READAHEAD_CHUNKS.filter((c) => c < o.recordBytes))
      for (const parallelism of o.parallelism) {
        const samples = benchIo({ files, recordBytes: o.recordBytes, chunk, parallel: parallelism, mode: "buffered-cold", fadvise: "normal", samples: o.samples, seconds: o.sampleSeconds });
        assertCold(files, samples);
        const params = { recordBytes: o.recordBytes, parallelism, mode: "buffered-cold", fadvise: "normal", ...(chunk ? { chunkBytes: chunk } : {}) };
        const m = measurement("device_read", params, samples, o.modelDir);
        o.note?.(`  device buffered-cold fadvise normal, ${chunk ? `${chunk}-byte chunks, ` : ""}${parallelism} in flight: ${m.value.toFixed(2)} GB/s (device/requested ${Number(m.details!.deviceBytesPerRequested).toFixed(2)})`);
        out.measurements.push(m);
      }
  } catch (err) {
    out.skipped.push({ what: "device_read buffered-cold fadvise normal", reason: (err as Error).message });
  }
  return out;
}

/** page_cache_read for every parallelism: the first WARM_SPAN bytes of each file, read once
 * untimed, then read again and again. */
export function probePageCacheReads(o: ReadProbeOptions): ReadProbeResult {
  const files = layerFiles(o.modelDir);
  const out: ReadProbeResult = { measurements: [], skipped: [] };
  for (const parallelism of o.parallelism) {
    const samples = benchIo({ files, recordBytes: o.recordBytes, parallel: parallelism, mode: "buffered-warm", samples: o.samples, seconds: o.sampleSeconds, spanBytes: WARM_SPAN });
    const m = measurement("page_cache_read", { recordBytes: o.recordBytes, parallelism }, samples, o.modelDir);
    o.note?.(`  page cache, ${parallelism} in flight: ${m.value.toFixed(2)} GB/s`);
    out.measurements.push(m);
  }
  return out;
}
