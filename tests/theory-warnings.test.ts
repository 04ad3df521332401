// Each of the bottleneck report's warnings fires on the condition it names and stays quiet on a
// clean run: OS device bytes below the attribution, read amplification above 1.2, noise, spread
// between repeats, a run of cache hits, an unenforced budget, no steady state, a large remainder.

import { describe, expect, test } from "bun:test";
import { decompose } from "../harness/theory/decompose.ts";
import { ioInputs } from "../harness/theory/model-inputs.ts";
import { observationFromRecord } from "../harness/theory/observation.ts";
import { machineRates } from "../harness/theory/profile-rates.ts";
import { variantWarnings } from "../harness/theory/warnings.ts";
import { poolObservations } from "../harness/theory/pool-observations.ts";
import type { RunRecord } from "../harness/results/run-record.ts";
import { profileOf, syntheticRecord, type SyntheticRun } from "./theory-fixtures.ts";

const REC = 4e6;
const CLEAN: SyntheticRun = {
  layers: 4, k: 4, recordBytes: REC, wallMs: { wait: 37, dense: 10, expert: 7 }, bytes: { device: 64e6 },
  environment: { budget: { enforced: true }, counters: { process: { deviceReadBytes: 100 * 64e6 }, readAmplification: 1 }, noise: { noisy: false, reasons: [] } },
};
const rates = machineRates(profileOf({ recordBytes: REC, device: { 1: 2, 4: 2 }, pageCache: { 4: 10 } }));

function warnings(s: SyntheticRun, tokS: number[] = [10], edit?: (r: RunRecord) => void): string[] {
  const r = syntheticRecord(s);
  edit?.(r);
  const o = observationFromRecord(r)!;
  return variantWarnings(o, decompose(o, ioInputs(rates, o.setup, 0)), tokS);
}
const env = (e: Record<string, unknown>) => ({ ...CLEAN, environment: { ...(CLEAN.environment as object), ...e } });

describe("variantWarnings", () => {
  test("a clean run has none", () => {
    expect(warnings(CLEAN, [10, 10.2, 10.1])).toEqual([]);
  });

  test("the OS read fewer device bytes than the attribution counted", () => {
    const [w] = warnings(env({ counters: { process: { deviceReadBytes: 100 * 40e6 } } }));
    expect(w).toContain("the OS read 40.00 MB per token from the device, less than the 64.00 MB");
  });

  test("read amplification above 1.2", () => {
    expect(warnings(env({ counters: { process: { deviceReadBytes: 100 * 64e6 }, readAmplification: 1.5 } }))[0]).toContain("read amplification 1.50");
    expect(warnings(env({ counters: { process: { deviceReadBytes: 100 * 64e6 }, readAmplification: 1.2 } }))).toEqual([]);
  });

  test("noise flags are carried with their reasons", () => {
    expect(warnings(env({ noise: { noisy: true, reasons: ["CPU steal 3.0 %"] } }))).toEqual(["noisy: CPU steal 3.0 %"]);
  });

  test("pooled runs: how many were noisy, with the first one's reasons", () => {
    const noisy = observationFromRecord(syntheticRecord(env({ noise: { noisy: true, reasons: ["CPU steal 3.0 %"] } })))!;
    const quiet = observationFromRecord(syntheticRecord(CLEAN))!;
    const o = poolObservations([quiet, noisy, noisy], [100, 100, 100])!;
    expect(variantWarnings(o, decompose(o, ioInputs(rates, o.setup, 0)), [10, 10, 10])).toEqual(["noisy in 2 of 3 runs, the first: CPU steal 3.0 %"]);
  });

  test("spread between repeats above 5 %", () => {
    expect(warnings(CLEAN, [10, 10.6, 10.2])[0]).toContain("tok/s spread 5.9 %");
    expect(warnings(CLEAN, [10, 10.4, 10.2])).toEqual([]);
  });

  test("a run served almost wholly from caches", () => {
    const cached = { ...CLEAN, bytes: { appCache: 32e6, pageCache: 31.9e6, device: 0.1e6 }, wallMs: { wait: 1, dense: 10, expert: 7 } };
    expect(warnings(cached).some((w) => w.includes("99.8 % of routed bytes came from a cache"))).toBe(true);
  });

  test("budget not enforced, with the reason", () => {
    expect(warnings(env({ budget: { enforced: false, notEnforcedReason: "no memory cgroup" } }))[0]).toContain("memory budget not enforced (no memory cgroup)");
  });

  test("steady state not reached", () => {
    const w = warnings(CLEAN, [10], (r) => { r.derived!.steady = { plateaued: false, reason: "unstable", window: 16, tolerance: 0.05, minTokens: 0 }; });
    expect(w).toEqual(["steady state not reached in every run: the figures mix warm-up and steady state"]);
  });

  test("a remainder above 5 % of the time", () => {
    const w = warnings({ ...CLEAN, wallMs: { ...CLEAN.wallMs, dense: 14 }, cpuMs: { dense: 10 } });
    expect(w.some((x) => x.startsWith("remainder 6.9 % of the time per token (4.000 ms)"))).toBe(true);
  });
});
