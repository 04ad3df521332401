// The bandwidth a dry run estimates with: measured for the plan's record size, measured for
// another size (and said so), or a stated default.
import { expect, test } from "bun:test";
import path from "node:path";
import { DEFAULT_READ_BYTES_PER_S, planningBandwidth } from "../harness/experiment/planning-bandwidth.ts";
import { defaultProfilePath, writeProfile, PROFILE_VERSION, type Measurement } from "../harness/probe/machine-profile.ts";
import { scratchDirs } from "./harness-scratch.ts";

const scratchDir = scratchDirs();

const read = (recordBytes: number, value: number): Measurement => ({
  what: "device_read", params: { recordBytes, parallelism: 4, mode: "direct" }, value, unit: "GB/s",
  samples: [value], tool: "test", measuredAt: "2026-01-01T00:00:00Z",
});

function rootWith(measurements: Measurement[] | null): string {
  const root = scratchDir();
  if (measurements) writeProfile(defaultProfilePath(root), { version: PROFILE_VERSION, machine: {} as never, measurements });
  return root;
}

test("no profile: the default, saying it is assumed", () => {
  const bw = planningBandwidth(rootWith(null), 3_932_160);
  expect(bw.bytesPerS).toBe(DEFAULT_READ_BYTES_PER_S);
  expect(bw.source).toStartWith("assumed: no machine profile at data/profile/");
});

test("the best measurement for the plan's record size", () => {
  const bw = planningBandwidth(rootWith([read(3_932_160, 1.5), read(3_932_160, 2.5), read(27_648, 0.3)]), 3_932_160);
  expect(bw.bytesPerS).toBe(2.5e9);
  expect(bw.source).toStartWith("measured: best device read of 3.93 MB records in data/profile/");
});

test("only other record sizes measured: used, and said so", () => {
  const bw = planningBandwidth(rootWith([read(27_648, 0.3)]), 3_932_160);
  expect(bw.bytesPerS).toBe(0.3e9);
  expect(bw.source).toContain("measured on other record sizes (27.6 kB)");
  expect(bw.source).toContain("3.93 MB records are probed when the experiment runs");
});
