// prefetch-pin-experiment.test.ts — the experiment file's `pin:` section: it sets the engine's
// pin.* keys (a profile file relative to the experiment, a top-N that scales like a global entry
// budget, a warm-up window), and the pins that cannot work are errors at their key, before any
// run: two sources or none, a window as long as the run, no application cache, no room.
import { describe, expect, test } from "bun:test";
import { planExperiment } from "../harness/experiment/plan-experiment.ts";
import { formatDiagnostic } from "../harness/experiment/diagnostic.ts";
import { errors, plan, FILE } from "./harness-plan-helpers.ts";
import { testRegistry } from "./harness-registry.ts";

const qwen = (rest: string, layers = 4) =>
  `name: t\nmodel: {preset: qwen3.5-397b-a17b, layers: ${layers}, bits: 2}\nworkload: {tokens: 64}\n${rest}`;
const lru = "engine: {cache.policy: lru, cache.entries: 2500}\n";

describe("pin: sets the engine's pin keys", () => {
  test("a warm-up window: top_n scales like a global entry budget, the window does not", () => {
    const r = plan(qwen(`${lru}pin: {top_n: 600, window: 16}\n`)).runs[0]!;
    expect(r.sizes["pin.top_n"]).toEqual({ emulated: 600, physical: Math.round((600 * 4) / 60), unit: "entries" });
    expect(r.engine["pin.top_n"]).toBe(40);
    expect(r.engine["pin.window"]).toBe(16);
    expect(r.engine["pin.file"]).toBe("");
  });

  test("per-layer pins count per layer and do not scale", () => {
    const r = plan(qwen("engine: {cache.policy: lru, cache.scope: per-layer, cache.entries: 64}\npin: {top_n: 8, window: 4}\n")).runs[0]!;
    expect(r.engine["pin.top_n"]).toBe(8);
  });

  test("a profile file is found relative to the experiment file", () => {
    const seen: string[] = [];
    const r = planExperiment(qwen(`${lru}pin: {file: profiles/hot.txt, top_n: 300}\n`), FILE, testRegistry(), (p) => {
      seen.push(p);
      return true;
    });
    if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
    expect(r.plan.runs[0]!.engine["pin.file"]).toBe("/experiments/profiles/hot.txt");
    expect(seen).toContain("/experiments/profiles/hot.txt");
  });

  test("variants may pin differently", () => {
    const p = plan(qwen(`${lru}variants:\n  none: {}\n  hot: {pin.top_n: 150, pin.window: 8}\n`));
    expect(p.runs.map((r) => [r.engine["pin.top_n"], r.engine["pin.window"]])).toEqual([[0, 0], [10, 8]]);
  });
});

describe("pins that cannot work are errors at their key", () => {
  test.each([
    { what: "two sources", pin: "{file: /x, top_n: 10, window: 4}", message: "pin.top_n: pins come from pin.file or from pin.window: set exactly one of them" },
    { what: "no source", pin: "{top_n: 10}", message: "pin.top_n: pins come from pin.file or from pin.window" },
    { what: "a source without top_n", pin: "{window: 4}", message: "pin.window: pin.top_n is not set" },
    { what: "a window as long as the run", pin: "{top_n: 10, window: 64}", message: "pin.window: pin.window (64) must be less than workload.tokens (64)" },
    { what: "more pins than cache", pin: "{top_n: 2600, window: 4}", message: "pin.top_n: 173 pinned experts (2600 emulated) do not fit in the application cache of 167 experts" },
  ])("$what", ({ pin, message }) => {
    expect(errors(qwen(`${lru}pin: ${pin}\n`)).join("\n")).toContain(message);
  });

  test("no application cache", () => {
    expect(errors(qwen("pin: {top_n: 10, window: 4}\n")).join("\n")).toContain(
      "pin.top_n: pins live inside the application cache; cache.policy none has none");
  });

  test("a missing profile file", () => {
    const r = planExperiment(qwen(`${lru}pin: {file: nope.txt, top_n: 10}\n`), FILE, testRegistry(), () => false);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map(formatDiagnostic).join("\n")).toContain("no such file /experiments/nope.txt");
  });

  test("pin keys belong to the pin: section, not to engine:", () => {
    expect(errors(qwen("engine: {cache.policy: lru, cache.entries: 10, pin.top_n: 2}\n")).join("\n")).toContain(
      '"pin.top_n" is set from the experiment\'s pin.top_n; write pin.top_n instead');
  });
});
