// The quick probe on small layer files: both read modes measured at each parallelism, written
// into the machine profile keyed by what/record size/parallelism/mode, reused until refreshed.

import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quickProbe } from "../harness/probe/quick-probe.ts";
import { ensureQuickProbe } from "../harness/probe/ensure-probe.ts";
import { peakDeviceReadGbps, readProfile, type MachineProfile } from "../harness/probe/machine-profile.ts";

const root = mkdtempSync(join(tmpdir(), "tierbench-probe-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const model = join(root, "model");
mkdirSync(model);
const RECORD = 3 * 16384 + 512; // not a multiple of 4096: direct reads must cover it aligned
for (const l of [0, 1]) writeFileSync(join(model, `layer_0${l}.bin`), Buffer.alloc(RECORD * 8, l + 1));
writeFileSync(join(model, "manifest.json"), "{}"); // not a layer file: ignored

const fast = { samples: 2, sampleSeconds: 0.01 };

test("quick probe measures every mode at every parallelism", async () => {
  const r = await quickProbe({ modelDir: model, recordBytes: RECORD, parallelism: [1, 2], ...fast });
  const measured = r.measurements.map((m) => `${m.params.mode}/${m.params.parallelism}`);
  const skippedModes = r.skipped.map((s) => s.mode);
  // O_DIRECT may be refused by the file system under tmpdir; then it must say so.
  for (const mode of ["direct", "buffered-cold"])
    if (!skippedModes.includes(mode as never)) expect(measured).toEqual(expect.arrayContaining([`${mode}/1`, `${mode}/2`]));
  expect(measured).toEqual(expect.arrayContaining(["buffered-cold/1", "buffered-cold/2"]));
  for (const m of r.measurements) {
    expect(m).toMatchObject({ what: "device_read", unit: "GB/s", params: { recordBytes: RECORD } });
    expect(m.samples).toHaveLength(2);
    expect(m.value).toBeGreaterThan(0);
    expect(Number.isFinite(m.value)).toBe(true);
    expect(Math.min(...m.samples) <= m.value && m.value <= Math.max(...m.samples)).toBe(true);
  }
}, 20_000);

test("a directory without layer files is an error naming it", async () => {
  await expect(quickProbe({ modelDir: root, recordBytes: RECORD, parallelism: [1] })).rejects.toThrow(/no layer_XX\.bin/);
});

test("the profile keeps measurements by key and is probed only for what is missing", async () => {
  const path = join(root, "profile", "host.json");
  const notes: string[] = [];
  const first = await ensureQuickProbe({ profilePath: path, modelDir: model, recordBytes: RECORD, parallelism: [1], sampling: fast, note: (l) => notes.push(l) });
  const onDisk = readProfile(path)!;
  expect(onDisk).toEqual(first);
  expect(onDisk.version).toBe(1);
  expect(onDisk.machine.cores).toBeGreaterThan(0);
  const stamp = onDisk.measurements.map((m) => m.measuredAt);

  notes.length = 0;
  const again = await ensureQuickProbe({ profilePath: path, modelDir: model, recordBytes: RECORD, parallelism: [1], sampling: fast, note: (l) => notes.push(l) });
  if (first.measurements.length === 2) {
    expect(notes).toEqual([]); // both modes present: nothing probed
    expect(again.measurements.map((m) => m.measuredAt)).toEqual(stamp);
  }

  const more = await ensureQuickProbe({ profilePath: path, modelDir: model, recordBytes: RECORD, parallelism: [1, 3], sampling: fast });
  const keys = more.measurements.map((m) => `${m.params.mode}/${m.params.parallelism}`).sort();
  expect(new Set(keys).size).toBe(keys.length); // replaced, never duplicated
  expect(keys).toEqual(expect.arrayContaining(["buffered-cold/1", "buffered-cold/3"]));
  expect(JSON.parse(readFileSync(path, "utf8")).measurements).toHaveLength(keys.length);
}, 20_000);

test("peakDeviceReadGbps prefers the record size asked for", () => {
  const m = (recordBytes: number, value: number) => ({ what: "device_read", params: { recordBytes, parallelism: 1, mode: "direct" }, value, unit: "GB/s", samples: [value], tool: "t", measuredAt: "" });
  const p = { version: 1, machine: {} as MachineProfile["machine"], measurements: [m(4096, 1), m(8192, 3), m(4096, 2)] };
  expect(peakDeviceReadGbps(p, 4096)).toBe(2);
  expect(peakDeviceReadGbps(p, 8192)).toBe(3);
  expect(peakDeviceReadGbps(p, 1234)).toBe(3); // no such size: the best of any
  expect(peakDeviceReadGbps(null, 4096)).toBeNull();
});
