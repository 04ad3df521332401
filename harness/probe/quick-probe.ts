// Quick probe: cold device read bandwidth for one record size on the model's own layer files,
// direct (O_DIRECT) and buffered-cold (pages dropped with posix_fadvise before each pass), at
// the given parallelism (reads in flight on Bun's I/O thread pool). Takes about a second.

import { constants, readdirSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { ptr } from "bun:ffi";
import { dropCachedPages } from "./libc.ts";
import type { Measurement } from "./machine-profile.ts";
import { median } from "../results/summary-stats.ts";

export type ReadMode = "direct" | "buffered-cold";

export interface QuickProbeOptions {
  modelDir: string;
  recordBytes: number;
  parallelism: readonly number[];
  modes?: readonly ReadMode[];
  samples?: number;          // samples per setting (default 5)
  sampleSeconds?: number;    // reading time per sample (default 0.1 s)
  sampleMaxBytes?: number;   // or this many bytes, whichever comes first (default 256 MiB)
}

export interface QuickProbeResult {
  measurements: Measurement[];
  skipped: { mode: ReadMode; reason: string }[];
}

const ALIGN = 4096; // O_DIRECT offset, length and buffer alignment on Linux block devices

/** A buffer whose address is ALIGN-aligned (bun:ffi's ptr gives the address). */
function alignedBuffer(bytes: number): Uint8Array {
  const raw = new Uint8Array(bytes + ALIGN);
  const skew = (ALIGN - (ptr(raw) % ALIGN)) % ALIGN;
  return raw.subarray(skew, skew + bytes);
}

interface Extent { file: FileHandle; offset: number; length: number; need: number } // need: bytes up to the record's end

/** Every whole record of every layer file; for direct I/O the aligned cover of each record
 * (what a direct-I/O engine must read too). Shuffled with a fixed seed so that reads are
 * neither sequential (readahead) nor different from one probe to the next. */
async function extents(files: FileHandle[], recordBytes: number, direct: boolean): Promise<Extent[]> {
  const out: Extent[] = [];
  for (const file of files) {
    const records = Math.floor((await file.stat()).size / recordBytes);
    for (let i = 0; i < records; i++) {
      const start = i * recordBytes;
      const offset = direct ? start - (start % ALIGN) : start;
      const end = direct ? Math.ceil((start + recordBytes) / ALIGN) * ALIGN : start + recordBytes;
      out.push({ file, offset, length: end - offset, need: start + recordBytes - offset });
    }
  }
  let seed = 0x9e3779b9;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** One sample: passes over the shuffled records (cache dropped before each) until the time
 * or byte budget is spent. Returns GB/s of record bytes over reading time only. */
async function sample(files: FileHandle[], list: Extent[], recordBytes: number, parallel: number, opts: Required<Pick<QuickProbeOptions, "sampleSeconds" | "sampleMaxBytes">>): Promise<number> {
  const maxLen = Math.max(...list.map((e) => e.length));
  const buffers = Array.from({ length: parallel }, () => alignedBuffer(maxLen));
  let bytes = 0;
  let seconds = 0;
  while (seconds < opts.sampleSeconds && bytes < opts.sampleMaxBytes) {
    for (const f of files) dropCachedPages(f.fd);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      buffers.map(async (buf) => {
        while (next < list.length && bytes < opts.sampleMaxBytes) {
          const e = list[next++]!;
          const { bytesRead: got } = await e.file.read(buf, 0, e.length, e.offset);
          if (got < e.need) throw new Error(`short read: ${got} of ${e.need} bytes at offset ${e.offset}`);
          bytes += recordBytes;
        }
      }),
    );
    seconds += (performance.now() - t0) / 1e3;
  }
  return bytes / seconds / 1e9;
}

export async function quickProbe(o: QuickProbeOptions): Promise<QuickProbeResult> {
  const files = readdirSync(o.modelDir).filter((f) => /^layer_\d+\.bin$/.test(f)).sort().map((f) => join(o.modelDir, f));
  if (files.length === 0) throw new Error(`${o.modelDir}: no layer_XX.bin files to probe`);
  const settings = { sampleSeconds: o.sampleSeconds ?? 0.1, sampleMaxBytes: o.sampleMaxBytes ?? 256 * 2 ** 20 };
  const result: QuickProbeResult = { measurements: [], skipped: [] };

  for (const mode of o.modes ?? (["direct", "buffered-cold"] as const)) {
    const handles: FileHandle[] = [];
    try {
      const flags = mode === "direct" ? constants.O_RDONLY | constants.O_DIRECT : constants.O_RDONLY;
      for (const f of files) handles.push(await open(f, flags));
      if (mode === "buffered-cold" && !handles.every((h) => dropCachedPages(h.fd))) {
        result.skipped.push({ mode, reason: "posix_fadvise(DONTNEED) is not available, reads would not be cold" });
        continue;
      }
      const list = await extents(handles, o.recordBytes, mode === "direct");
      if (list.length === 0) throw new Error(`layer files are smaller than one ${o.recordBytes}-byte record`);
      for (const parallelism of o.parallelism) {
        const samples: number[] = [];
        for (let i = 0; i < (o.samples ?? 5); i++) samples.push(await sample(handles, list, o.recordBytes, parallelism, settings));
        result.measurements.push({
          what: "device_read",
          params: { recordBytes: o.recordBytes, parallelism, mode },
          value: median(samples),
          unit: "GB/s",
          samples,
          tool: "tierbench quick probe",
          target: o.modelDir,
          measuredAt: new Date().toISOString(),
        });
      }
    } catch (err) {
      // O_DIRECT is refused by some file systems (tmpfs, some overlays): that mode is skipped.
      result.skipped.push({ mode, reason: (err as Error).message });
    } finally {
      for (const h of handles) await h.close();
    }
  }
  return result;
}
