// The four ceilings of DESIGN §5 on a synthetic run with known bytes and a profile with known
// rates: each as tok/s and observed / ceiling; the compute ceiling from probed kernels, or from
// the run's own compute stages when the profile has none (and saying so).

import { describe, expect, test } from "bun:test";
import { ceilings, type Ceiling, type CeilingId } from "../harness/theory/ceilings.ts";
import { computeInputs, ioInputs } from "../harness/theory/model-inputs.ts";
import { observationFromRecord } from "../harness/theory/observation.ts";
import { machineRates } from "../harness/theory/profile-rates.ts";
import { MS, profileOf, syntheticRecord } from "./theory-fixtures.ts";

const REC = 4e6;
// 4 layers × 4 × 4 MB from the device; 20 MB of dense matrices and a 4 MB shared expert per layer.
const RUN = syntheticRecord({
  layers: 4, k: 4, recordBytes: REC, denseBytesPerLayer: 20e6, residentBytes: 4 * 24e6,
  wallMs: { wait: 37, dense: 12, expert: 6, combine: 1 }, cpuMs: { dense: 10 },
  bytes: { device: 64e6 }, engine: { "model.dense_bits": 4 }, tokS: 10,
});

function at(cs: Ceiling[], id: CeilingId) {
  return cs.find((c) => c.id === id)!;
}

function ceilingsWith(kernels: { bits: number; threads: number; gbps: number }[]) {
  const r = machineRates(profileOf({ recordBytes: REC, device: { 1: 2, 4: 2, 8: 3 }, pageCache: { 4: 10 }, kernels }));
  const o = observationFromRecord(RUN)!;
  return ceilings(o, { io: ioInputs(r, o.setup, 0), compute: computeInputs(r, o.setup), peak: r.peakDeviceRead() });
}

describe("ceilings", () => {
  const cs = ceilingsWith([{ bits: 4, threads: 1, gbps: 8 }]);

  test("(1) every routed byte at the best bandwidth the profile holds", () => {
    expect(at(cs, "paperIo").timeS! / MS).toBeCloseTo(64e6 / 3e9 / MS, 9);   // 8 in flight: 3 GB/s
    expect(at(cs, "paperIo").ratio!).toBeCloseTo(10 / (3e9 / 64e6), 9);
  });

  test("(2) the measured sources at the run's parallelism", () => {
    expect(at(cs, "ioAtSources").timeS! / MS).toBeCloseTo(32, 9);          // 4 layers × 16 MB at 2 GB/s
    expect(at(cs, "ioAtSources").tokS!).toBeCloseTo(31.25, 9);
  });

  test("(3) compute from kernel throughput: dense, shared and K experts per layer", () => {
    // per layer: 20 MB + 4 MB shared + 4 × 4 MB = 40 MB at 8 GB/s = 5 ms; 4 layers = 20 ms
    expect(at(cs, "compute").timeS! / MS).toBeCloseTo(20, 9);
    expect(at(cs, "compute").ratio!).toBeCloseTo(10 / 50, 9);
  });

  test("(4) serial is the sum, overlapped the larger", () => {
    expect(at(cs, "serial").timeS! / MS).toBeCloseTo(52, 9);
    expect(at(cs, "overlapped").timeS! / MS).toBeCloseTo(32, 9);
  });

  test("without kernel figures the compute ceiling is the run's own compute stages, and says so", () => {
    const c = at(ceilingsWith([]), "compute");
    expect(c.timeS! / MS).toBeCloseTo(10 + 6 + 1, 9);   // dense CPU + expert + combine
    expect(c.basis).toContain("the run's own");
    expect(c.basis).toContain("no 4-bit cpu kernel throughput");
  });

  test("a run that reads nothing has no I/O bound", () => {
    const o = observationFromRecord(syntheticRecord({ layers: 2, k: 2, recordBytes: REC, wallMs: { dense: 1 }, bytes: { appCache: 16e6 } }))!;
    const r = machineRates(profileOf({ recordBytes: REC, device: { 1: 2 } }));
    const c = at(ceilings(o, { io: ioInputs(r, o.setup, 0), compute: { missing: "none" }, peak: r.peakDeviceRead() }), "ioAtSources");
    expect(c.timeS).toBe(0);
    expect(c.tokS).toBe(Infinity);
  });
});
