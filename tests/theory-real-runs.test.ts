// The decomposition on real runs of a tiny model through the engine: the null I/O engine leaves
// no I/O parts (only its own small wait), direct reads leave no page-cache copies, and a model
// already resident in the page cache leaves no device time.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Engine, ensureModel, type KeyValue, type ModelRef } from "../ffi/index.ts";
import { deriveMetrics } from "../harness/results/derive-metrics.ts";
import { machineContext } from "../harness/results/machine-context.ts";
import type { RunRecord, RunSamples } from "../harness/results/run-record.ts";
import { decompose, part, type Decomposition } from "../harness/theory/decompose.ts";
import { ioInputs } from "../harness/theory/model-inputs.ts";
import { observationFromRecord, type Observation } from "../harness/theory/observation.ts";
import { machineRates } from "../harness/theory/profile-rates.ts";
import { parseChildLine } from "../harness/run/child-protocol.ts";
import { profileOf } from "./theory-fixtures.ts";

// Under the repository's data/ (git-ignored): O_DIRECT needs a real file system, not a tmpfs.
const root = mkdtempSync(join(import.meta.dir, "..", "data", "theory-real-runs-"));
let model: ModelRef;
beforeAll(async () => {
  // tiny, widened so that a record (110,592 bytes = 27 × 4096) can be read with O_DIRECT
  model = await ensureModel({ preset: "tiny", seed: 11, geometry: { hidden: 512, ffn: 128, shared_ffn: 128 } }, { root, threads: 1 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(settings: Record<string, KeyValue>): { o: Observation; d: Decomposition } {
  using e = new Engine().setAll({ "model.dir": model.dir, "run.tokens": 64, "cache.policy": "none", ...settings }).open();
  while (e.step(100) === "more");
  const samples: RunSamples = { tokenTimesS: [...e.tokenTimes()], stats: e.stats(), layerStats: { names: [], rows: [] }, outputHash: null, config: e.config() };
  const record: RunRecord = {
    schema: 1, experiment: "theory-real-runs", status: "ok",
    run: { id: "x#1", index: 0, count: 1, variant: "x", repeat: 0, specHash: "" }, startedAt: "", finishedAt: "",
    context: { git: { revision: null, dirty: null }, engineAbi: null, bun: Bun.version, machine: machineContext(model.dir) },
    spec: {}, engine: settings, samples, derived: deriveMetrics(samples),
  };
  const o = observationFromRecord(record)!;
  const rec = samples.stats.expert_record_bytes!;
  const rates = machineRates(profileOf({ recordBytes: rec, device: { 1: 0.2, 4: 0.5 }, pageCache: { 1: 2, 4: 5 } }));
  return { o, d: decompose(o, ioInputs(rates, o.setup, 0)) };
}

const share = (d: Decomposition, id: Parameters<typeof part>[1]) => part(d, id).s / d.totalS;

describe("decomposition of real runs", () => {
  test("io.engine null: no bytes move, so no I/O part but its own small wait", () => {
    const { o, d } = run({ "io.engine": "null" });
    expect(o.traffic.device + o.traffic.pageCache).toBe(0);
    expect(part(d, "device").s).toBe(0);
    expect(part(d, "pageCache").s).toBe(0);
    expect(share(d, "ioInefficiency")).toBeLessThan(0.1);
  });

  test("direct I/O: every read from the device, no page-cache copies", () => {
    const { o, d } = run({ "io.direct": "on" });
    expect(o.traffic.pageCache).toBe(0);
    expect(o.traffic.device).toBeCloseTo(o.traffic.requested, 6);
    expect(part(d, "pageCache").s).toBe(0);
    expect(part(d, "device").s).toBeGreaterThan(0);
  });

  test("a model resident in the page cache: no device time", () => {
    for (const f of readdirSync(model.dir).filter((x) => x.startsWith("layer_"))) readFileSync(join(model.dir, f));
    const { o, d } = run({ "io.direct": "off" });
    expect(o.traffic.device / o.traffic.requested).toBeLessThan(0.01);
    expect(share(d, "device")).toBeLessThan(0.01);
    expect(part(d, "pageCache").s).toBeGreaterThan(0);
  });
});

test("a run's child keeps the counters at the warm-up's end: the decomposition explains the measured tok/s", async () => {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "..", "harness", "run", "child.ts")], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  child.stdin.write(JSON.stringify({ engine: { "model.dir": model.dir, "run.tokens": 48, "cache.policy": "none" }, stepMs: 100, warmupTokens: 12 }));
  child.stdin.end();
  const lines = (await new Response(child.stdout).text()).split("\n").map(parseChildLine);
  expect(await child.exited).toBe(0);
  const result = lines.find((m) => m?.type === "result");
  if (result?.type !== "result" || result.status !== "ok") throw new Error("the child did not report a result");
  const samples = result.samples;
  expect(samples.warmupStats!.tokens).toBe(12);
  const derived = deriveMetrics(samples, { warmupTokens: 12 });
  const record = { status: "ok", run: { variant: "x" }, samples, derived, engine: {}, spec: {}, context: { machine: machineContext() } } as unknown as RunRecord;
  const o = observationFromRecord(record)!;
  const d = decompose(o, null);
  expect(d.totalS * derived.tokS!).toBeCloseTo(1, 9);   // 36 measured tokens, the same window
  expect(o.windowNote).toContain("the 36 measured tokens after the 12 of warm-up");
});
