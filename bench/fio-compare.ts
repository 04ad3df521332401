// `bun bench/fio-compare.ts` — the pread pool and the io_uring engine against fio (psync, io_uring)
// on the same file, record size, parallelism and mode (direct, buffered-cold, warm with fio's
// invalidate=0), trials alternating which tool goes first; medians and paired ratios.

import { defineCommand, runMain } from "citty";
import { mkdirSync, openSync, readSync, closeSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { ensureModel } from "../ffi/index.ts";
import { benchIo, type IoMode } from "../harness/probe/bench-io.ts";
import { deviceReadBytes } from "../harness/probe/disk-stats.ts";
import { fioVersion, runFio } from "../harness/probe/fio-job.ts";
import { median } from "../harness/results/summary-stats.ts";
import { renderTable } from "../harness/util/table.ts";

const PEERS = { pread: "psync", io_uring: "io_uring" } as const;
type Engine = keyof typeof PEERS;

/** deviceBytes: what the tool itself made the kernel fetch from storage (bench_io: /proc/self/io;
 * fio: ru_inblock); systemDeviceBytes: the disk's reads meanwhile, every process included. */
interface Trial { tool: "tierbench" | "fio"; gbps: number; bytes: number; deviceBytes: number | null; systemDeviceBytes: number | null }

/** Reads the whole file once so that a warm trial finds it in the page cache. */
function warm(file: string): void {
  const fd = openSync(file, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  while (readSync(fd, buf, 0, buf.length, null) > 0) {}
  closeSync(fd);
}

function trial(tool: Trial["tool"], engine: Engine, mode: IoMode, parallel: number, recordBytes: number, file: string, seconds: number): Trial {
  if (mode === "buffered-warm") warm(file);
  const disk = deviceReadBytes(file);
  const before = disk?.() ?? 0;
  let gbps: number, bytes: number, deviceBytes: number | null;
  if (tool === "fio") {
    ({ gbps, bytes, deviceBytes } = runFio({ ioengine: PEERS[engine], parallel, mode, recordBytes, file, fileBytes: statSync(file).size, seconds }));
  } else {
    const [s] = benchIo({ files: [file], recordBytes, engine, parallel, mode, seconds, samples: 1 });
    ({ gbps, bytes } = s!);
    deviceBytes = s!.device_bytes;
  }
  return { tool, gbps, bytes, deviceBytes, systemDeviceBytes: disk ? disk() - before : null };
}

await runMain(defineCommand({
  meta: { name: "fio-compare", description: "tierbench's pread pool and io_uring engine against fio, alternating, medians" },
  args: {
    model: { type: "string", description: "model directory (default: one-layer qwen3.5-397b-a17b at 2 bits, generated once)" },
    parallel: { type: "string", default: "4", description: "reads in flight, comma-separated" },
    trials: { type: "string", default: "5", description: "trials per tool and setting (≥ 5 for the closing figures)" },
    seconds: { type: "string", default: "1", description: "seconds per trial at most" },
    modes: { type: "string", default: "direct,buffered-cold,buffered-warm" },
    engines: { type: "string", default: "pread,io_uring" },
  },
  async run({ args }) {
    const version = fioVersion();
    if (!version) { console.error("fio-compare: fio is not installed (Debian: apt-get install fio)"); process.exit(2); }
    const dir = args.model ?? (await ensureModel({ preset: "qwen3.5-397b-a17b", geometry: { layers: 1 }, bits: 2 })).dir;
    const file = join(dir, "layer_00.bin");
    const recordBytes = (await Bun.file(join(dir, "manifest.json")).json()).record_size as number;
    const trials = Number(args.trials), seconds = Number(args.seconds);
    const load0 = loadavg();
    const rows: string[][] = [];
    const results = [];
    for (const mode of args.modes.split(",") as IoMode[])
      for (const engine of args.engines.split(",") as Engine[])
        for (const parallel of args.parallel.split(",").map(Number)) {
          const got: Trial[] = [];
          for (let t = 0; t < trials; t++) {
            const order: Trial["tool"][] = t % 2 === 0 ? ["fio", "tierbench"] : ["tierbench", "fio"];
            for (const tool of order) got.push(trial(tool, engine, mode, parallel, recordBytes, file, seconds));
          }
          const of = (tool: Trial["tool"]) => got.filter((x) => x.tool === tool);
          const med = (tool: Trial["tool"]) => median(of(tool).map((x) => x.gbps));
          const amp = (tool: Trial["tool"], key: "deviceBytes" | "systemDeviceBytes" = "deviceBytes") => {
            const xs = of(tool).filter((x) => x[key] !== null);
            return xs.length ? xs.reduce((a, x) => a + x[key]!, 0) / xs.reduce((a, x) => a + x.bytes, 0) : NaN;
          };
          const tb = med("tierbench"), fio = med("fio");
          // each trial's two runs are neighbours in time: their ratio cancels slow drift in load
          const paired = Array.from({ length: trials }, (_, t) => got.slice(2 * t, 2 * t + 2))
            .map((p) => p.find((x) => x.tool === "tierbench")!.gbps / p.find((x) => x.tool === "fio")!.gbps);
          const pr = median(paired), lo = Math.min(...paired), hi = Math.max(...paired);
          results.push({ mode, engine, peer: PEERS[engine], parallel, tierbenchGbps: tb, fioGbps: fio, ratio: tb / fio, pairedRatios: paired,
            deviceBytesPerRequested: { tierbench: amp("tierbench"), fio: amp("fio") },
            systemDeviceBytesPerRequested: { tierbench: amp("tierbench", "systemDeviceBytes"), fio: amp("fio", "systemDeviceBytes") }, trials: got });
          rows.push([mode, `${engine} vs fio ${PEERS[engine]}`, String(parallel), tb.toFixed(3), fio.toFixed(3), `${(100 * tb / fio).toFixed(1)} %`,
            `${(100 * pr).toFixed(1)} % [${(100 * lo).toFixed(0)}–${(100 * hi).toFixed(0)}]`,
            amp("tierbench").toFixed(2), amp("fio").toFixed(2), amp("tierbench", "systemDeviceBytes").toFixed(2)]);
          console.error(`${mode} ${engine} P=${parallel}: tierbench ${tb.toFixed(3)} GB/s, fio ${fio.toFixed(3)} GB/s`);
        }
    const load1 = loadavg();
    console.log(`fio-compare: ${recordBytes}-byte records of ${file}, ${trials} alternating trials of ≤ ${seconds} s, medians; ${version}`);
    console.log(renderTable(["mode", "engines", "in flight", "tierbench GB/s", "fio GB/s", "tierbench/fio", "paired median [min–max]", "dev/req tb", "dev/req fio", "disk/req tb"], rows));
    console.log(`tierbench/fio: ratio of the medians; paired: median of each trial's ratio (its two runs back to back). ` +
      `dev/req: device bytes per requested byte, as each tool's own process accounting says; disk/req: the ` +
      `disk's reads during tierbench's trials (system-wide: other tenants' reads count too); ` +
      `load average ${load0.map((l) => l.toFixed(1)).join(" ")} before, ${load1.map((l) => l.toFixed(1)).join(" ")} after`);
    const out = join("results", "bench");
    mkdirSync(out, { recursive: true });
    const path = join(out, `fio-compare-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(path, `${JSON.stringify({ file, recordBytes, trials, seconds, fio: version, loadavg: { before: load0, after: load1 }, results }, null, 2)}\n`);
    console.log(`wrote ${path}`);
  },
}));
