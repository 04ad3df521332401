// The full probe on a small model: every kind of figure lands in the profile under its key,
// cold reads are verified cold, direct reads cost the device what they asked for; the profile is
// reused on the same machine and plan, and measured again on --refresh or a changed plan.

import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fullProbe, sameMachine } from "../harness/probe/full-probe.ts";
import { measurementKey, readProfile } from "../harness/probe/machine-profile.ts";
import { scratchDirs } from "./harness-scratch.ts";

const scratch = scratchDirs();
const RECORD = 27 * 4096;            // page multiple: direct reads need no cover
const root = scratch();
const model = join(root, "model");
mkdirSync(model);
for (const l of [0, 1]) {
  const bytes = new Uint8Array(RECORD * 24);
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096 + l) & 0xff;
  writeFileSync(join(model, `layer_0${l}.bin`), bytes);
}
writeFileSync(join(model, "manifest.json"), JSON.stringify({ record_size: RECORD }));
const plan = {
  parallelism: [1, 2], cacheParallelism: [1], readaheadParallelism: [1, 2], mmapParallelism: [1], mmapCacheParallelism: [1],
  threads: [1], samples: 2, sampleSeconds: 0.02, memoryMib: 16, kernelMib: 16,
};
const profilePath = join(root, "profile", "host.json");
const SLOW = 180_000;   // each probe builds and runs the bench programs: seconds on a loaded machine

test("the full probe measures every kind of figure and checks its reads", async () => {
  const r = await fullProbe({ profilePath, modelDirs: [model], plan });
  expect(r.probed).toBe(true);
  const p = readProfile(profilePath)!;
  expect(p).toEqual(r.profile);
  expect(p.probe).toMatchObject({ tool: "tierbench probe", plan: { recordBytes: [RECORD], parallelism: [1, 2] } });
  const keys = new Set(p.measurements.map(measurementKey));
  const skipped = r.skipped.map((s) => s.what);
  for (const mode of ["direct", "buffered-cold"]) {
    if (skipped.includes(`device_read ${mode}`)) continue;   // the file system refused; it says why
    for (const parallelism of [1, 2])
      expect(keys.has(measurementKey({ what: "device_read", params: { recordBytes: RECORD, parallelism, mode } }))).toBe(true);
  }
  for (const s of r.skipped) expect(s.reason.length).toBeGreaterThan(10);
  // readahead: buffered-cold under fadvise normal, with the device bytes each requested byte cost
  if (!skipped.includes("device_read buffered-cold fadvise normal"))
    for (const parallelism of [1, 2]) {
      const m = p.measurements.find((x) => measurementKey(x) === measurementKey({ what: "device_read", params: { recordBytes: RECORD, parallelism, mode: "buffered-cold", fadvise: "normal" } }));
      expect(m?.details?.deviceBytesPerRequested).toBeGreaterThan(0);
    }
  // reads through page faults: cold under both advices, and copies out of a fresh mapping
  for (const fadvise of ["normal", "random"])
    if (!skipped.includes(`device_read mmap fadvise ${fadvise}`))
      expect(keys.has(measurementKey({ what: "device_read", params: { recordBytes: RECORD, parallelism: 1, mode: "buffered-cold", fadvise, engine: "mmap" } }))).toBe(true);
  expect(keys.has(measurementKey({ what: "page_cache_read", params: { recordBytes: RECORD, parallelism: 1, engine: "mmap" } }))).toBe(true);
  expect(keys.has(measurementKey({ what: "page_cache_read", params: { recordBytes: RECORD, parallelism: 1 } }))).toBe(true);
  for (const what of ["memory_copy", "memory_read"]) expect(keys.has(measurementKey({ what, params: { threads: 1 } }))).toBe(true);
  const kernels = p.measurements.filter((m) => m.what === "kernel");
  expect(new Set(kernels.map((m) => m.params.bits))).toEqual(new Set([2, 4, 8]));
  expect(kernels.some((m) => m.params.variant === "scalar")).toBe(true);

  for (const m of p.measurements) {
    expect(m.unit).toBe("GB/s");
    expect(m.value).toBeGreaterThan(0);
    expect(Math.min(...m.samples) <= m.value && m.value <= Math.max(...m.samples)).toBe(true);
  }
  for (const m of p.measurements.filter((x) => x.what === "device_read")) {
    expect(m.details!.residentBytesAtStart).toBe(0);                       // dropped, verified by mincore
    if (m.params.mode === "direct") expect(m.details!.deviceBytesPerRequested).toBeCloseTo(1, 2);
  }
}, SLOW);

test("the profile is reused for the same plan and machine, measured again otherwise", async () => {
  const stamp = (path: string) => readProfile(path)!.probe!.completedAt;
  const first = stamp(profilePath);
  const again = await fullProbe({ profilePath, modelDirs: [model], plan });
  expect(again.probed).toBe(false);
  expect(stamp(profilePath)).toBe(first);

  const refreshed = await fullProbe({ profilePath, modelDirs: [model], plan, refresh: true });
  expect(refreshed.probed).toBe(true);
  expect(stamp(profilePath) > first).toBe(true);

  const changed = await fullProbe({ profilePath, modelDirs: [model], plan: { ...plan, parallelism: [1] } });
  expect(changed.probed).toBe(true);
  expect(changed.profile.probe!.plan.parallelism).toEqual([1]);
  // the figures of the earlier plan are kept beside the new ones
  expect(changed.profile.measurements.some((m) => m.what === "device_read" && m.params.parallelism === 2)).toBe(true);
}, SLOW);

test("another machine's profile is not taken for this one", () => {
  const here = readProfile(profilePath)!.machine;
  expect(sameMachine(here, { ...here })).toBe(true);
  expect(sameMachine(here, { ...here, cores: here.cores + 1 })).toBe(false);
  expect(sameMachine(here, { ...here, ramBytes: here.ramBytes * 2 })).toBe(false);
  expect(sameMachine(here, { ...here, hostname: `${here.hostname}-2` })).toBe(false);
});
