// fio, the standard I/O benchmark, as the peer of the read engines: the same record size and
// alignment, parallelism (psync threads or io_uring depth) and mode (direct; buffered-cold, pages
// dropped at job start; warm, invalidate=0), random record order without repeats.

import { existsSync } from "node:fs";
import type { IoMode } from "./bench-io.ts";

export interface FioJob {
  ioengine: "psync" | "io_uring";   // peers of the pread pool and of the io_uring engine
  parallel: number;                 // psync: threads, each over its own slice; io_uring: iodepth
  mode: IoMode;
  recordBytes: number;
  file: string;
  fileBytes: number;
  seconds: number;                  // at most; a cold job also stops when every record was read
}

export interface FioResult {
  gbps: number;
  bytes: number;                    // requested (fio's io_bytes)
  seconds: number;
  deviceBytes: number | null;       // fetched from storage by fio itself (ru_inblock × 512), when
                                    // /usr/bin/time can report it
  args: string[];
}

const TIME = "/usr/bin/time";       // GNU time: %I = the child's ru_inblock, 512-byte blocks

/** fio's version string, or null when fio is not installed. */
export function fioVersion(): string | null {
  try {
    const r = Bun.spawnSync(["fio", "--version"], { stdout: "pipe", stderr: "pipe" });
    return r.exitCode === 0 ? r.stdout.toString().trim() : null;
  } catch {
    return null;
  }
}

export function fioArgs(j: FioJob): string[] {
  const records = Math.floor(j.fileBytes / j.recordBytes);
  const args = [
    "--name=tierbench-peer", `--filename=${j.file}`, "--rw=randread", `--bs=${j.recordBytes}`,
    `--ioengine=${j.ioengine}`, `--runtime=${j.seconds}`, "--randrepeat=1", "--group_reporting",
    "--output-format=json", `--direct=${j.mode === "direct" ? 1 : 0}`,
    `--invalidate=${j.mode === "buffered-warm" ? 0 : 1}`,
    "--fadvise_hint=1",             // fio's default, named: POSIX_FADV_RANDOM, as bench_io uses
  ];
  if (j.mode === "buffered-warm") args.push("--time_based=1");   // loop over the cached records
  if (j.ioengine === "io_uring") return [...args, `--iodepth=${j.parallel}`, "--numjobs=1"];
  // psync: one thread per read in flight, each over its own slice so none re-reads another's
  // records (a re-read would come from the page cache)
  const slice = Math.floor(records / j.parallel) * j.recordBytes;
  return [...args, "--iodepth=1", `--numjobs=${j.parallel}`, "--thread=1", `--size=${slice}`, `--offset_increment=${slice}`];
}

export function runFio(j: FioJob): FioResult {
  const args = fioArgs(j);
  const timed = existsSync(TIME);
  const cmd = timed ? [TIME, "-f", "tierbench-inblock %I", "fio", ...args] : ["fio", ...args];
  const r = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe", timeout: (j.seconds + 60) * 1000 });
  const err = r.stderr.toString();
  if (r.exitCode !== 0) throw new Error(`fio ${args.join(" ")} failed (exit ${r.exitCode}): ${err.trim()}`);
  const out = r.stdout.toString();
  const json = JSON.parse(out.slice(out.indexOf("{"))) as { jobs: { read: { io_bytes: number; bw_bytes: number; runtime: number } }[] };
  const read = json.jobs[0]!.read;
  const inblock = /tierbench-inblock (\d+)/.exec(err);
  return { gbps: read.bw_bytes / 1e9, bytes: read.io_bytes, seconds: read.runtime / 1e3, deviceBytes: inblock ? Number(inblock[1]) * 512 : null, args };
}
