// Emulated-machine sizes converted to this machine's with s = L / preset layers:
// memory and global budgets scale, per-layer budgets and request sizes do not; both values kept.
import { describe, expect, test } from "bun:test";
import { errors, plan } from "./harness-plan-helpers.ts";

const qwen = (layers: number, rest = "") =>
  `name: t\nmodel: {preset: qwen3.5-397b-a17b, layers: ${layers}, bits: 2}\n${rest}`;

describe("emulated → physical", () => {
  test.each([1, 4, 15, 60])("machine sizes at L = %p scale by L/60", (L) => {
    const r = plan(qwen(L, "machine: {page_cache: 35GB, resident: 5.5GB, ram: 48GB}\n")).runs[0]!;
    const s = L / 60;
    expect(r.model.scale).toBe(s);
    expect(r.machine.page_cache).toEqual({ emulated: 35e9, physical: Math.round(35e9 * s), unit: "bytes" });
    expect(r.machine.resident).toEqual({ emulated: 5.5e9, physical: Math.round(5.5e9 * s), unit: "bytes" });
    expect(r.machine.ram).toEqual({ emulated: 48e9, physical: Math.round(48e9 * s), unit: "bytes" });
  });

  test("the machine defaults to the paper's: 35 GB page cache, 5.5 GB resident, 48 GB RAM, strict, cold", () => {
    const r = plan(qwen(60)).runs[0]!;
    expect(r.machine).toEqual({
      enforce: "strict",
      page_cache_state: "cold",
      page_cache: { emulated: 35e9, physical: 35e9, unit: "bytes" },
      resident: { emulated: 5.5e9, physical: 5.5e9, unit: "bytes" },
      ram: { emulated: 48e9, physical: 48e9, unit: "bytes" },
    });
  });

  test.each([
    { what: "a global byte budget scales", engine: "cache.policy: lru\n  cache.budget_bytes: 9.8GB", key: "cache.budget_bytes", emulated: 9.8e9, physical: Math.round(9.8e9 * 4 / 60) },
    { what: "a global entry budget scales", engine: "cache.policy: lru\n  cache.entries: 2500", key: "cache.entries", emulated: 2500, physical: Math.round(2500 * 4 / 60) },
    { what: "a per-layer byte budget does not", engine: "cache.policy: lru\n  cache.scope: per-layer\n  cache.budget_bytes: 100MB", key: "cache.budget_bytes", emulated: 1e8, physical: 1e8 },
    { what: "a per-layer entry budget does not", engine: "cache.policy: lru\n  cache.scope: per-layer\n  cache.entries: 64", key: "cache.entries", emulated: 64, physical: 64 },
    { what: "a read chunk size does not", engine: "io.chunk: 1MiB", key: "io.chunk", emulated: 2 ** 20, physical: 2 ** 20 },
  ])("$what", ({ engine, key, emulated, physical }) => {
    const r = plan(qwen(4, `engine:\n  ${engine}\n`)).runs[0]!;
    expect(r.sizes[key]).toEqual({ emulated, physical, unit: key === "cache.entries" ? "entries" : "bytes" });
    expect(r.engine[key]).toBe(physical);
  });

  test("9.8 GB of 2-bit records is the paper's ~2,500 entries, and 2,500·s of them at L = 4", () => {
    const r = plan(qwen(4, "engine: {cache.policy: lru, cache.budget_bytes: 9.8GB}\n")).runs[0]!;
    expect(Math.round(r.sizes["cache.budget_bytes"]!.emulated / r.model.recordBytes)).toBe(2492);
    expect(Math.floor(r.sizes["cache.budget_bytes"]!.physical / r.model.recordBytes)).toBe(Math.floor(2492 * 4 / 60));
  });

  test("a variant's size is converted like the file's", () => {
    const p = plan(qwen(6, "variants:\n  a: {cache.policy: lru, cache.budget_bytes: 6GB}\n  b: {cache.policy: lru, cache.budget_bytes: 3GB}\n"));
    expect(p.runs.map((r) => r.sizes["cache.budget_bytes"]!.physical)).toEqual([6e8, 3e8]);
  });

  test("sweeping L changes s for every size of the run", () => {
    const p = plan(qwen(2, "engine: {cache.policy: lru, cache.entries: 600}\nsweep: {model.layers: [3, 6]}\n"));
    expect(p.runs.map((r) => r.model.scale)).toEqual([3 / 60, 6 / 60]);
    expect(p.runs.map((r) => r.engine["cache.entries"])).toEqual([30, 60]);
    expect(p.runs.map((r) => r.machine.page_cache.physical)).toEqual([Math.round(35e9 * 3 / 60), Math.round(35e9 * 6 / 60)]);
  });

  test("a budget that scales to nothing is an error, not a silent zero", () => {
    expect(errors(qwen(1, "engine: {cache.policy: lru, cache.entries: 20}\n"))).toEqual([
      "/experiments/test.yaml:3:44: engine.cache.entries: 20 entries at s = 1/60 is 0 on this machine; raise it or model.layers",
    ]);
  });

  test("the application cache is compared with the page cache in emulated sizes", () => {
    // 9.8 GB fits 35 GB at any L, even though 9.8 GB is more than the physical page cache at L = 1.
    expect(plan(qwen(1, "engine: {cache.policy: lru, cache.budget_bytes: 9.8GB}\n")).runs).toHaveLength(1);
    expect(errors(qwen(1, "machine: {page_cache: 9GB}\nengine: {cache.policy: lru, cache.budget_bytes: 9.8GB}\n"))[0]).toContain(
      "the application cache (9.80 GB emulated) is larger than the emulated page cache machine.page_cache (9.00 GB)");
  });
});
