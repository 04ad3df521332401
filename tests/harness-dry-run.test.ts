// The dry-run view: estimates (disk from geometry × layers × bits for each distinct model,
// time from routed bytes per token over the device bandwidth) and what the listing shows.
import { expect, test } from "bun:test";
import { estimate, modelBytes } from "../harness/experiment/estimate.ts";
import { differingSettings, renderDryRun } from "../harness/experiment/dry-run.ts";
import { plan } from "./harness-plan-helpers.ts";
import { testRegistry } from "./harness-registry.ts";

const qwen = testRegistry().presets.get("qwen3.5-397b-a17b")!;

test("disk and time of a plan with one model", () => {
  const p = plan("name: t\nmodel: {preset: qwen3.5-397b-a17b, layers: 4, bits: 2}\nworkload: {tokens: 600, repeats: 5}\n" +
    "variants: {a: {io.threads: 1}, b: {io.threads: 2}, c: {io.threads: 4}}\n");
  const bw = 2e9;
  const e = estimate(p, bw);
  const disk = 4 * qwen.experts * qwen.recordBytes[2]! + 4 * qwen.residentLayerBytes;
  expect(e.models).toHaveLength(1);
  expect(e.diskBytes).toBe(disk);
  expect(modelBytes(p.runs[0]!.model)).toBe(disk);
  const perToken = 4 * qwen.k * qwen.recordBytes[2]!;   // L · K · record
  expect(e.routedBytesPerToken).toEqual(Array(15).fill(perToken));
  expect(e.runSeconds).toBeCloseTo((15 * 600 * perToken) / bw, 6);
  expect(e.generateSeconds).toBeCloseTo(disk / bw, 6);
  expect(e.totalSeconds).toBeCloseTo(e.runSeconds + e.generateSeconds, 6);
});

test("each distinct model counts once; an imported one adds only its resident weights", () => {
  const p = plan("name: t\nmodel: {preset: qwen3.5-397b-a17b, layers: 2, bits: 2}\nworkload: {repeats: 3}\nsweep: {model.layers: [1, 2], model.bits: [2, 4]}\n");
  const e = estimate(p, 1e9);
  expect(e.models.map((m) => [m.model.layers, m.model.bits])).toEqual([[1, 2], [1, 4], [2, 2], [2, 4]]);
  expect(e.diskBytes).toBe(e.models.reduce((t, m) => t + modelBytes(m.model), 0));

  const imported = estimate(plan("name: t\nmodel: {preset: qwen3.5-397b-a17b, layers: 2, bits: 2, import: /data/packed_experts}\n"), 1e9);
  expect(imported.diskBytes).toBe(2 * qwen.residentLayerBytes);
});

test("the dry run lists only the settings that differ between runs", () => {
  const p = plan("name: t\nmodel: {preset: tiny}\nengine: {io.threads: 2}\nsweep: {io.direct: [off, on]}\n" +
    "variants: {lru: {cache.policy: lru, cache.entries: 4}, none: {cache.policy: none}}\n");
  expect(differingSettings(p.runs).sort()).toEqual(["cache.entries", "cache.policy", "io.direct"]);
});

test("the dry run says when the header's model, workload or machine is only the first run's", () => {
  const render = (yaml: string) => {
    const p = plan(yaml);
    return renderDryRun(p, estimate(p, 1e9), { file: "t.yaml", bandwidth: { bytesPerS: 1e9, source: "test" } });
  };
  const note = "model, workload or machine vary";
  expect(render("name: t\nmodel: {preset: tiny}\nsweep: {io.threads: [1, 2]}\n")).not.toContain(note);
  expect(render("name: t\nmodel: {preset: tiny}\nsweep: {model.seed: [1, 2]}\n")).toContain(note);
  expect(render("name: t\nmodel: {preset: tiny}\nvariants: {a: {workload.tokens: 40}, b: {workload.tokens: 80}}\n")).toContain(note);
});
