// sim-groups.test.ts — from a plan to simulations: configurations that route and read alike
// share one; capacities become entries per cache by the harness's scaling rules (global budgets
// × s, per-layer ones not, bytes → whole records); every configuration's own cell is simulated.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { defaultEntries, entriesOf, simGroups } from "../harness/sim/sim-groups.ts";
import { enginePolicies, simulateSection, type SimulateSection } from "../harness/sim/simulate-section.ts";
import { plan } from "./harness-plan-helpers.ts";
import { testRegistry } from "./harness-registry.ts";

const reg = testRegistry();
const defaults = () => simulateSection(reg).parse({}) as SimulateSection;

test("lru-vs-nocache: first-touch reads apart from buffered ones; each variant's own cell", () => {
  const text = readFileSync(path.resolve(import.meta.dir, "../experiments/lru-vs-nocache.yaml"), "utf8");
  const groups = simGroups(plan(text), defaults(), enginePolicies(reg));
  expect(groups.map((g) => [g.direct, g.configs])).toEqual([
    ["first-touch", ["lru-9.8GB+first-touch"]],
    ["off", ["lru-9.8GB", "trust-os"]],
  ]);
  const [ft, off] = groups as [typeof groups[0], typeof groups[0]];
  // 4 of 60 layers: 9.8 GB · 4/60 of 3,932,160-byte records = 166 entries (the paper's 2,500 · s)
  expect(ft.points).toEqual([{ config: "lru-9.8GB+first-touch", policy: "lru", entries: 166 }]);
  expect(off.points).toContainEqual({ config: "trust-os", policy: "none", entries: 0 });
  expect(ft.scope).toBe("global");
  expect(ft.keysPerCache).toBe(4 * 512);
  expect(ft.pageCacheBytes).toBe(Math.round(35e9 * 4 / 60));
  // every policy at every default size, none once, and the variant's point
  const sizes = defaultEntries(2048);
  expect(sizes).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]);
  const storing = enginePolicies(reg).filter((p) => p !== "none");
  expect(ft.cells).toHaveLength(storing.length * sizes.length + 1 + 1);
  expect(ft.cells).toContainEqual({ policy: "lru", entries: 166 });
  expect(ft.cells.filter((c) => c.policy === "none")).toEqual([{ policy: "none", entries: 0 }]);
  expect(new Set(ft.cells.map((c) => `${c.policy}@${c.entries}`)).size).toBe(ft.cells.length);
});

const yaml = (scope: string, simulate: string) => `
name: t
model: { preset: qwen3.5-397b-a17b, layers: 6, bits: 4 }
workload: { tokens: 50 }
machine: { page_cache: 35GB, resident: 5.5GB, ram: 48GB }
engine: { cache.scope: ${scope} }
variants:
  a: { cache.policy: arc, cache.entries: 40 }
  b: { cache.policy: arc, cache.entries: 80, workload.routing.synthetic.zipf: 1.2 }
simulate:
${simulate}`;

test("capacities: entries and sizes, scaled only when the cache is global", () => {
  const pg = plan(yaml("global", "  capacities: [1000, 9.8GB, 70.8GB, 100000]"));
  const global = simGroups(pg, pg.simulate!, enginePolicies(reg));
  expect(global).toHaveLength(2);                      // the variants route differently
  const g = global[0]!;
  expect(g.scale).toBe(0.1);
  // 1000 entries × 0.1; 9.8 GB × 0.1 / 7,077,888 B = 138.4 → 138; 70.8 GB → 1000.3 → 1000;
  // 100,000 entries → at most the 6 · 512 keys of the cache
  expect(g.cells.filter((c) => c.policy === "lru").map((c) => c.entries)).toEqual([100, 138, 1000, 3072]);
  expect(g.points).toEqual([{ config: "a", policy: "arc", entries: Math.round(40 * 0.1) }]);

  const pl = plan(yaml("per-layer", "  capacities: [64, 9.8GB, 100000]"));
  const perLayer = simGroups(pl, pl.simulate!, enginePolicies(reg));
  // per layer: 64 as written; 9.8 GB / 7,077,888 B = 1384 → at most the 512 experts of a layer
  expect(perLayer[0]!.cells.filter((c) => c.policy === "lru").map((c) => c.entries)).toEqual([64, 512]);
  expect(perLayer[0]!.points[0]!.entries).toBe(40);
  expect(entriesOf({ entries: 1 }, { scope: "global", scale: 0.01, recordBytes: 1, keysPerCache: 10 })).toBe(1);
});

test("the section's policies, in its order, and its page-cache settings reach the spec", () => {
  const p = plan(yaml("per-layer", "  policies: [opt, sieve]\n  pagecache: 2q\n  readahead: 128KiB"));
  expect(p.simulate).toEqual({ policies: ["opt", "sieve"], pagecache: "2q", readahead: 131072, active_fraction: 0.5, threads: 0 });
  const g = simGroups(p, p.simulate!, enginePolicies(reg))[0]!;
  expect([...new Set(g.cells.map((c) => c.policy))]).toEqual(["opt", "sieve", "arc"]);
});

test("a policy alias (a policy plus a prefetch predictor) is simulated, noted as deterministic prefetch", () => {
  const p = plan(yaml("per-layer", "  policies: [lru]").replace("cache.policy: arc, cache.entries: 40", "cache.policy: prefetch, cache.entries: 40"));
  const groups = simGroups(p, p.simulate!, enginePolicies(reg));
  expect(enginePolicies(reg)).not.toContain("prefetch");
  expect(groups[0]!.points[0]).toMatchObject({ config: "a", policy: "prefetch", note: expect.stringContaining("deterministic") });
  expect(groups[0]!.cells).toContainEqual({ policy: "prefetch", entries: 40 });
  // prefetch settings route a simulation apart: a predictor on a variant makes its own group
  const q = plan(yaml("per-layer", "  policies: [lru]").replace("cache.policy: arc, cache.entries: 40",
    "cache.policy: arc, cache.entries: 40, prefetch.predictor: temporal"));
  expect(simGroups(q, q.simulate!, enginePolicies(reg)).map((g) => g.configs)).toEqual([["a"], ["b"]]);
});

test("io-engines: io.fadvise splits simulations (readahead differs); engines and reads in flight do not", () => {
  const text = readFileSync(path.resolve(import.meta.dir, "../experiments/io-engines.yaml"), "utf8");
  const groups = simGroups(plan(text), defaults(), enginePolicies(reg));
  const fadviseOf = (g: typeof groups[0]) => String(g.engine["io.fadvise"]);
  expect(groups.map((g) => `${g.direct} ${fadviseOf(g)}`).sort()).toEqual(["off normal", "off random", "on normal", "on random"]);
  for (const g of groups) expect(g.configs.every((c) => c.endsWith(`[io.fadvise=${fadviseOf(g)}]`))).toBe(true);
  expect(groups.find((g) => g.direct === "off" && fadviseOf(g) === "normal")!.configs).toContain("mmap-8[io.fadvise=normal]");
});
