// ffi-registry.test.ts — the key registry through the binding: every default as a fresh engine
// reports it, a good value of each key round-trips, a bad value of each type and an unknown key
// fail naming the key and what is allowed, and enum values follow the compiled plugin registries.
import { describe as group, expect, test } from "bun:test";
import { describe, Engine, Status, TbError, type KeyInfo, type KeyValue } from "../ffi/index.ts";

const d = describe();

function thrown(fn: () => unknown): TbError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TbError);
    return e as TbError;
  }
  throw new Error("expected a TbError, nothing was thrown");
}

/** A valid value different from the default, from the key's own range or values. */
function otherValue(k: KeyInfo): KeyValue {
  if (k.values) return k.values.find((v) => v !== k.default) ?? k.default; // one-value enums keep it
  switch (k.type) {
    case "int":
      return k.default === k.max ? k.min! : k.max!;
    case "real":
      return (k.min! + k.max!) / 2;
    case "bool":
      return !k.default;
    default:
      return `${k.default}x`;
  }
}

/** An invalid value of the key's own type, and fragments the error must contain. */
function badValue(k: KeyInfo): [KeyValue, string | string[]] {
  if (k.type === "enum") return ["no-such-value", k.values!.filter((v) => v !== "").map(String)];
  if (k.type === "str") return ["x".repeat(k.max_length! + 1), `at most ${k.max_length}`];
  if (k.values) return [3, `${k.values.slice(0, -1).join(", ")} or ${k.values.at(-1)}`];
  if (k.type === "int") return k.max! < 2 ** 31 - 1 ? [k.max! + 1, `${k.min}..${k.max}`] : [k.min! - 1, `${k.min}..${k.max}`];
  return [k.max! * 2 + 1, `${k.min}..${k.max}`];
}

group("key registry", () => {
  test("every key's default is what a fresh engine reports, and nothing else is reported", () => {
    using e = new Engine();
    const config = e.config();
    expect(Object.keys(config).sort()).toEqual(d.keys.map((k) => k.name).sort());
    for (const k of d.keys) expect({ key: k.name, value: config[k.name] }).toEqual({ key: k.name, value: k.default });
  });

  test("a valid non-default value of every key round-trips through tb_config_json", () => {
    using e = new Engine();
    const want: Record<string, KeyValue> = {};
    for (const k of d.keys) {
      want[k.name] = otherValue(k);
      e.set(k.name, want[k.name]!);
    }
    expect(e.config()).toEqual(want);
  });

  test("a bad value of every key fails naming the key and what is allowed", () => {
    using e = new Engine();
    const before = e.config();
    for (const k of d.keys) {
      const [value, allowed] = badValue(k);
      const err = thrown(() => e.set(k.name, value));
      expect(err.status).toBe(Status.ERR_ARG);
      expect(err.message).toContain(k.name);
      for (const part of [allowed].flat()) expect(err.message).toContain(part);
    }
    expect(e.config()).toEqual(before);
  });

  test("a value of the wrong JavaScript type is refused before reaching C", () => {
    using e = new Engine();
    expect(thrown(() => e.set("io.threads", "4")).message).toContain('io.threads: "4" is not an integer; allowed 1..64');
    expect(thrown(() => e.set("io.threads", 2.5)).message).toContain("not an integer");
    expect(thrown(() => e.set("run.tokens", 2 ** 32 + 5)).message).toContain("out of range");
    expect(thrown(() => e.set("io.direct", 1)).message).toContain('allowed "off", "on", "first-touch"');
    expect(thrown(() => e.set("dense.passes", Number.NaN)).message).toContain("dense.passes");
  });

  test("an unknown key fails naming it and the closest known key", () => {
    using e = new Engine();
    const err = thrown(() => e.set("io.thread", 4));
    expect(err.status).toBe(Status.ERR_ARG);
    expect(err.message).toContain("unknown key 'io.thread' (did you mean 'io.threads'?)");
  });

  test("a closed engine refuses every call, and closing twice is harmless", () => {
    const e = new Engine();
    e.close();
    e.close();
    expect(e.closed).toBe(true);
    expect(() => e.set("io.threads", 2)).toThrow("set: the engine is closed");
    expect(() => e.config()).toThrow("closed");
    expect(() => e.step()).toThrow("closed");
  });
});

group("plugin registries", () => {
  const values = (key: string) => d.keys.find((k) => k.name === key)!.values;

  test("enum keys list exactly the compiled registries", () => {
    expect(values("cache.policy")).toEqual([...d.policies, ...d.policy_aliases].map((p) => p.name));
    expect(values("io.engine")).toEqual(d.io_engines.map((p) => p.name));
    expect(values("compute.backend")).toEqual(d.backends.map((p) => p.name));
    expect(values("kernel.variant")).toEqual(["auto", ...d.kernels.map((p) => p.name)]);
    expect(values("model.preset")).toEqual(["", ...d.presets.map((p) => p.name)]);
    expect(values("prefetch.predictor")).toEqual(d.prefetchers.map((p) => p.name));
    expect(values("fault.stage")).toEqual(["none", ...d.stages]);
  });

  test("the first registries hold what the engine ships", () => {
    expect(d.policies.map((p) => p.name)).toEqual(expect.arrayContaining(["none", "lru"]));
    expect(d.io_engines.map((p) => p.name)).toEqual(expect.arrayContaining(["pread", "null"]));
    expect(d.io_engines.find((p) => p.name === "null")!.moves_bytes).toBe(false);
    expect(d.backends.find((p) => p.name === "cpu")!.available).toBe(true);
    // metal is listed everywhere; where it cannot run, describe() says why
    const metal = d.backends.find((p) => p.name === "metal")!;
    if (process.platform === "linux")
      expect(metal).toMatchObject({ available: false, why: "not available on Linux — Apple GPUs only (macOS); use cpu" });
    else expect(metal.available || (metal.why ?? "").length > 0).toBe(true);
    expect(d.kernels.find((k) => k.name === "scalar")).toMatchObject({ available: true, bits: [2, 4, 8] });
  });

  test("presets carry Flash-MoE's record sizes", () => {
    const qwen = d.presets.find((p) => p.name === "qwen3.5-397b-a17b")!;
    expect(qwen.record_bytes["4"]).toBe(7_077_888);
    expect(qwen.record_bytes["2"]).toBe(3_932_160);
    expect(qwen.geometry).toMatchObject({ hidden: 4096, layers: 60, experts: 512, k: 4 });
    expect(qwen.resident_layer_bytes).toBeGreaterThan(qwen.record_bytes["4"]);
  });

  test("counter names are unique and carry their units", () => {
    expect(new Set(d.counters).size).toBe(d.counters.length);
    expect(d.counters).toEqual(expect.arrayContaining(["tokens", "requests", "app_hits", "app_misses", "run_wall_s"]));
    for (const s of d.stages) expect(d.counters).toContain(`${s}_wall_s`);
    expect(Object.keys(d.counter_help)).toEqual(d.counters);
    for (const c of d.counters) expect({ counter: c, help: d.counter_help[c]!.length > 0 }).toEqual({ counter: c, help: true });
  });
});
