// The engine's page-cache primitives and the states built on them, without a budget: exact
// resident bytes by mincore (a file's last partial page included), drop and pre-read, errors
// naming the file, the model's files in pre-read order, cold/warm/as-is on a tiny model, and
// cold refused — naming the file — while another process keeps the pages mapped.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureModel, TbError, type ModelRef } from "../ffi/index.ts";
import { dropFile, modelFiles, modelResidency, prereadFile, residentBytes } from "../harness/pagecache/page-cache-files.ts";
import { producePageCacheState } from "../harness/pagecache/page-cache-state.ts";
import { diskTmpDir } from "./fixtures/disk-tmp.ts";

const dir = diskTmpDir("pagecache-primitives");
let model: ModelRef;
beforeAll(async () => {
  model = await ensureModel({ preset: "tiny", seed: 11 }, { root: join(dir, "models"), threads: 1 });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("drop, pre-read and residency count a file's bytes exactly, its last partial page included", () => {
  const path = join(dir, "odd.bin");
  const size = 3 * 4096 + 1234;
  writeFileSync(path, Buffer.alloc(size, 7));
  dropFile(path); // syncs the dirty pages first, so all of them go
  expect(residentBytes(path)).toBe(0);
  expect(prereadFile(path)).toBe(size);
  expect(residentBytes(path)).toBe(size);
  dropFile(path);
  expect(residentBytes(path)).toBe(0);
});

test("a missing file is an error naming it and the call", () => {
  const missing = join(dir, "no-such.bin");
  for (const call of [() => residentBytes(missing), () => dropFile(missing), () => prereadFile(missing)]) {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TbError);
    expect((err as Error).message).toMatch(new RegExp(`tb_pagecache_\\w+: open ${missing}: No such file or directory`));
  }
});

test("a model's files: layer files in order, then resident.bin (pre-read last, so a budget keeps it)", () => {
  expect(modelFiles(model.dir).map((f) => f.slice(model.dir.length + 1))).toEqual(["layer_00.bin", "layer_01.bin", "resident.bin"]);
  const notModel = join(dir, "empty");
  mkdirSync(notModel);
  expect(() => modelFiles(notModel)).toThrow(`${notModel}: no layer_XX.bin files — not a tierbench model directory`);
  expect(() => modelFiles(join(dir, "absent"))).toThrow("does not exist");
});

test("cold empties the model from the page cache, warm fills it, as-is leaves it as found", async () => {
  const bytes = modelResidency(model.dir).bytes;
  const cold = await producePageCacheState("cold", model.dir);
  expect(cold).toMatchObject({ state: "cold", modelBytes: bytes, residentBytes: 0, prereadBytes: 0 });
  expect(modelResidency(model.dir).residentBytes).toBe(0);

  const warm = await producePageCacheState("warm", model.dir);
  expect(warm).toMatchObject({ state: "warm", residentBeforeBytes: 0, prereadBytes: bytes, residentBytes: bytes });

  prereadFile(modelFiles(model.dir)[0]!); // a known mixed state: layer 0 cached, the rest not
  dropFile(modelFiles(model.dir)[1]!);
  const before = modelResidency(model.dir).residentBytes;
  const asIs = await producePageCacheState("as-is", model.dir);
  expect(asIs).toMatchObject({ state: "as-is", residentBeforeBytes: before, droppedBytes: 0, prereadBytes: 0, residentBytes: before });
  expect(modelResidency(model.dir).residentBytes).toBe(before);
});

test("cold is refused, naming the file, while another process keeps the model's pages mapped", async () => {
  const layer = modelFiles(model.dir)[0]!;
  const holder = Bun.spawn([process.execPath, "-e",
    `const m = Bun.mmap(${JSON.stringify(layer)}); let s = 0; for (let i = 0; i < m.length; i += 4096) s += m[i]; console.log(s >= 0); await Bun.stdin.text();`],
  { stdin: "pipe", stdout: "pipe" });
  await holder.stdout.getReader().read(); // every page of the layer file is mapped and touched
  try {
    await expect(producePageCacheState("cold", model.dir)).rejects.toThrow(`${layer}: `);
    await expect(producePageCacheState("cold", model.dir)).rejects.toThrow("bytes are still in the page cache after posix_fadvise(DONTNEED): a process keeps them mapped");
  } finally {
    holder.stdin.end();
    await holder.exited;
  }
  expect((await producePageCacheState("cold", model.dir)).residentBytes).toBe(0); // once it has let go
});
