// fio as the peer of the read engines: the job it is given matches bench_io's (record-sized,
// record-aligned random reads; psync threads on disjoint slices, or one io_uring queue; direct,
// dropped, or warm pages), and a real job reports requested bytes and its own device bytes.

import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fioArgs, fioVersion, runFio, type FioJob } from "../harness/probe/fio-job.ts";
import { scratchDirs } from "./harness-scratch.ts";

const scratch = scratchDirs();
const job = (o: Partial<FioJob>): FioJob =>
  ({ ioengine: "psync", parallel: 4, mode: "direct", recordBytes: 8192, file: "/x/layer_00.bin", fileBytes: 8192 * 10, seconds: 1, ...o });
const opt = (args: string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];

test("psync: one thread per read in flight, each on its own whole-record slice", () => {
  const a = fioArgs(job({}));
  expect([opt(a, "rw"), opt(a, "bs"), opt(a, "numjobs"), opt(a, "thread"), opt(a, "iodepth")]).toEqual(["randread", "8192", "4", "1", "1"]);
  expect(opt(a, "size")).toBe(String(2 * 8192));            // 10 records / 4 threads → 2 whole records each
  expect(opt(a, "offset_increment")).toBe(String(2 * 8192));
  expect([opt(a, "direct"), opt(a, "invalidate"), opt(a, "time_based")]).toEqual(["1", "1", undefined]);
});

test("io_uring: one job with the queue depth; buffered-cold drops pages, warm keeps them and loops", () => {
  const u = fioArgs(job({ ioengine: "io_uring", mode: "buffered-cold", parallel: 8 }));
  expect([opt(u, "ioengine"), opt(u, "iodepth"), opt(u, "numjobs"), opt(u, "size")]).toEqual(["io_uring", "8", "1", undefined]);
  expect([opt(u, "direct"), opt(u, "invalidate"), opt(u, "fadvise_hint")]).toEqual(["0", "1", "1"]);
  const w = fioArgs(job({ mode: "buffered-warm" }));
  expect([opt(w, "direct"), opt(w, "invalidate"), opt(w, "time_based")]).toEqual(["0", "0", "1"]);
});

test("a real fio job reads whole records, or fio is reported missing", () => {
  const version = fioVersion();
  if (version === null) {
    expect(() => runFio(job({ file: "/nonexistent" }))).toThrow();   // no fio: running it fails
    return;
  }
  expect(version).toMatch(/^fio-\d/);
  const file = join(scratch(), "layer_00.bin");
  writeFileSync(file, new Uint8Array(8192 * 16).fill(7));
  const r = runFio(job({ file, fileBytes: 8192 * 16, mode: "buffered-warm", parallel: 2, seconds: 1 }));
  expect(r.bytes).toBeGreaterThan(0);
  expect(r.bytes % 8192).toBe(0);
  expect(r.gbps).toBeGreaterThan(0);
  if (r.deviceBytes !== null) expect(r.deviceBytes).toBeLessThanOrEqual(r.bytes);   // warm: from memory
}, 60_000);
