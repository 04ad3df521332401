// Expansion of experiments into runs: cartesian sweeps, named variants, interleaved repeats,
// overrides layered base → sweep → variant, and stable run ids.
import { describe, expect, test } from "bun:test";
import { plan } from "./harness-plan-helpers.ts";

const HEAD = "name: t\nmodel: {preset: tiny}\n";

describe("run order and ids", () => {
  test.each([
    { name: "no sweep, no variants", body: "", ids: ["base#1"] },
    { name: "repeats of the base", body: "workload: {repeats: 3}\n", ids: ["base#1", "base#2", "base#3"] },
    {
      name: "variants interleaved by repeat (ABCABC)",
      body: "workload: {repeats: 2}\nvariants: {a: {io.threads: 1}, b: {io.threads: 2}, c: {io.threads: 3}}\n",
      ids: ["a#1", "b#1", "c#1", "a#2", "b#2", "c#2"],
    },
    {
      name: "one axis",
      body: "sweep: {io.threads: [1, 2, 4]}\n",
      ids: ["base[io.threads=1]#1", "base[io.threads=2]#1", "base[io.threads=4]#1"],
    },
    {
      name: "two axes: cartesian, the last written varies fastest",
      body: "sweep:\n  io.direct: [off, on]\n  io.threads: [1, 2]\n",
      ids: ["base[io.direct=off,io.threads=1]#1", "base[io.direct=off,io.threads=2]#1", "base[io.direct=on,io.threads=1]#1", "base[io.direct=on,io.threads=2]#1"],
    },
    {
      name: "axes nest in file order, not in the schema's",
      body: "sweep:\n  io.threads: [1, 2]\n  io.direct: [off, on]\n",
      ids: ["base[io.threads=1,io.direct=off]#1", "base[io.threads=1,io.direct=on]#1", "base[io.threads=2,io.direct=off]#1", "base[io.threads=2,io.direct=on]#1"],
    },
    {
      name: "sweep × variants × repeats: points outer, variants inner, repeats outermost",
      body: "workload: {repeats: 2}\nsweep: {io.threads: [1, 2]}\nvariants: {a: {io.direct: off}, b: {io.direct: on}}\n",
      ids: ["a[io.threads=1]#1", "b[io.threads=1]#1", "a[io.threads=2]#1", "b[io.threads=2]#1",
        "a[io.threads=1]#2", "b[io.threads=1]#2", "a[io.threads=2]#2", "b[io.threads=2]#2"],
    },
    {
      name: "a harness field as an axis, sizes shown with units",
      body: "sweep:\n  machine.page_cache: [1GB, 512MiB]\n",
      ids: ["base[machine.page_cache=1.00GB]#1", "base[machine.page_cache=537MB]#1"],
    },
  ] as { name: string; body: string; ids: string[] }[])("$name", ({ body, ids }) => {
    const p = plan(HEAD + body);
    expect(p.runs.map((r) => r.id)).toEqual(ids);
    expect(p.runs.map((r) => r.index)).toEqual(ids.map((_, i) => i));
    expect(new Set(p.configs).size).toBe(p.configs.length);
    expect(p.runs.length).toBe(p.configs.length * p.repeats);
  });
});

describe("settings", () => {
  test("each run carries its sweep point and repeat", () => {
    const p = plan(`${HEAD}workload: {repeats: 2}\nsweep: {io.threads: [1, 8]}\n`);
    for (const r of p.runs) {
      expect(r.engine["io.threads"]).toBe(r.point["io.threads"]!);
      expect(r.repeat).toBe(Math.floor(r.index / 2) + 1);
    }
  });

  test("a variant overrides the file's engine settings; the others keep them", () => {
    const p = plan(`${HEAD}engine: {io.threads: 4, io.fadvise: random}\nvariants:\n  keep: {label: Kept}\n  more: {io.threads: 16}\n`);
    const [keep, more] = p.runs;
    expect(keep!.engine["io.threads"]).toBe(4);
    expect(more!.engine["io.threads"]).toBe(16);
    expect(more!.engine["io.fadvise"]).toBe("random");
    expect(keep!.label).toBe("Kept");
    expect(more!.label).toBe("more");
  });

  test("unset engine keys take the registry's defaults", () => {
    const r = plan(HEAD).runs[0]!;
    expect(r.engine["exec.mode"]).toBe("serial");
    expect(r.engine["cache.policy"]).toBe("none");
    expect(r.engine["io.threads"]).toBeGreaterThanOrEqual(1);
  });

  test("model and workload fill the engine keys they own; -1 and 0 mean the preset's", () => {
    const r = plan(`name: t\nmodel: {preset: tiny, seed: 7}\nworkload:\n  routing: {synthetic: {zipf: 1.1, reuse: 0.5, seed: 3}}\n  tokens: 50\n  warmup: 5\n`).runs[0]!;
    expect(r.model).toMatchObject({ preset: "tiny", layers: 2, presetLayers: 2, scale: 1, bits: 4, seed: 7 });
    expect(r.workload).toEqual({ routing: { source: "synthetic", zipf: 1.1, reuse: 0.5, seed: 3 }, k: 4, tokens: 50, warmup: 5 });
    expect(r.engine).toMatchObject({
      "model.preset": "tiny", "model.layers": 2, "model.bits": 4, "model.seed": 7,
      "routing.zipf": 1.1, "routing.reuse": 0.5, "routing.seed": 3, "routing.k": 4, "run.tokens": 50,
    });
  });

  test("a trace path is resolved against the experiment's directory", () => {
    const r = plan(`${HEAD}workload: {routing: {trace: traces/a.bin}}\n`).runs[0]!;
    expect(r.workload.routing).toEqual({ source: "trace", path: "/experiments/traces/a.bin" });
    expect(r.engine["routing.trace"]).toBe("/experiments/traces/a.bin");
    expect(r.engine["routing.source"]).toBe("trace");
  });

  test("comparisons keep their parsed published values", () => {
    const p = plan(`${HEAD}workload: {repeats: 5}\nvariants: {a: {cache.policy: none}, b: {cache.policy: none}}\n` +
      `compare: [{a: a, b: b, published: "+38% (+32%..+40%)", source: paper}]\n`);
    expect(p.compare).toEqual([{ a: "a", b: "b", metric: "tok_s", source: "paper", published: { kind: "change", value: 0.38, low: 0.32, high: 0.4, text: "+38% (+32%..+40%)" } }]);
  });

  test("expansion is deterministic", () => {
    const text = `${HEAD}workload: {repeats: 2}\nsweep: {io.threads: [1, 2]}\nvariants: {a: {io.direct: off}, b: {io.direct: on}}\n`;
    expect(plan(text)).toEqual(plan(text));
  });
});
