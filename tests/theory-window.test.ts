// The counters a decomposition reads over the measured tokens: accumulating counters less their
// value at the warm-up's end, sizes and capacities as they stand, the whole run when no
// warm-up snapshot was kept.

import { expect, test } from "bun:test";
import { measuredWindow } from "../harness/theory/measured-window.ts";
import type { RunSamples } from "../harness/results/run-record.ts";

const samples = (warmupStats?: Record<string, number>): RunSamples => ({
  tokenTimesS: [], layerStats: { names: [], rows: [] }, outputHash: null, config: null,
  stats: { tokens: 100, dense_wall_s: 1.0, device_bytes: 5e9, expert_record_bytes: 3932160, cache_capacity_entries: 40, min_issue_lag_s: 1e-6 },
  ...(warmupStats ? { warmupStats } : {}),
});

test("after warm-up: accumulating counters subtract, the others stand", () => {
  const w = measuredWindow(samples({ tokens: 20, dense_wall_s: 0.3, device_bytes: 2e9, expert_record_bytes: 3932160, cache_capacity_entries: 40, min_issue_lag_s: 2e-6 }));
  expect(w.measured).toBe(true);
  expect(w.stats).toEqual({ tokens: 80, dense_wall_s: 0.7, device_bytes: 3e9, expert_record_bytes: 3932160, cache_capacity_entries: 40, min_issue_lag_s: 1e-6 });
});

test("without a snapshot, or with no token after it, the whole run", () => {
  expect(measuredWindow(samples()).measured).toBe(false);
  expect(measuredWindow(samples({ tokens: 100 })).stats.tokens).toBe(100);
  expect(measuredWindow(samples({ tokens: 100 })).measured).toBe(false);
});
