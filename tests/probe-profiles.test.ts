// The hand-written profiles of other machines (profiles/*.json): in the probe's format, every
// figure and every machine fact with a source, and usable by the ceiling lookups.

import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { peakDeviceReadGbps, PROFILE_VERSION, readProfile } from "../harness/probe/machine-profile.ts";
import { machineRates } from "../harness/theory/profile-rates.ts";

const dir = join(import.meta.dir, "..", "profiles");
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

test("the M3 Max and iPhone profiles are there", () => {
  expect(files).toEqual(expect.arrayContaining(["apple-m3-max-48gb.json", "apple-iphone-17-pro.json"]));
});

for (const file of files)
  test(`${file}: every figure and machine fact has a source`, () => {
    const p = readProfile(join(dir, file))!;
    expect(p.version).toBe(PROFILE_VERSION);
    expect(p.description!.length).toBeGreaterThan(20);
    for (const fact of ["cpuModel", "cores", "ramBytes", "storage"]) expect(p.sources?.[fact]?.length ?? 0).toBeGreaterThan(5);
    expect(p.machine.cores).toBeGreaterThan(0);
    expect(p.machine.ramBytes % 2 ** 30).toBe(0);
    expect(p.measurements.length).toBeGreaterThan(0);
    for (const m of p.measurements) {
      expect(m.source!.length).toBeGreaterThan(20);
      expect(m.unit).toBe("GB/s");
      expect(m.samples).toEqual([m.value]);
      expect(Number.isNaN(Date.parse(m.measuredAt))).toBe(false);
    }
  });

test("the published ceilings come out of the lookups", () => {
  const m3 = readProfile(join(dir, "apple-m3-max-48gb.json"));
  expect(peakDeviceReadGbps(m3)).toBe(17.5);             // the paper's sequential SSD figure
  expect(machineRates(m3).peakDeviceRead()!.gbps).toBe(17.5);
  expect(m3!.machine.ramBytes).toBe(48 * 2 ** 30);
  const phone = readProfile(join(dir, "apple-iphone-17-pro.json"));
  expect(peakDeviceReadGbps(phone)).toBe(3.2);           // the faster (512 GB / 1 TB) flash
  expect(machineRates(phone).peakDeviceRead()!.sources[0]).toMatch(/AnTuTu/);
  expect(phone!.machine.ramBytes).toBe(12 * 2 ** 30);
});
