// sim-cli.test.ts — `bun run simulate` end to end on a tiny experiment: every policy's row with
// OPT in the printed tables, self-describing JSON, a CSV row per cell, and miss-ratio charts;
// a bad file is refused with located errors and nothing written.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { library } from "../ffi/index.ts";
import { simulateCommand, type SimulateIO } from "../harness/sim/simulate-command.ts";
import type { SimulationRecord } from "../harness/sim/sim-output.ts";
import { testRegistry } from "./harness-registry.ts";

const scratch = mkdtempSync(join(tmpdir(), "tb-simcli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const EXPERIMENT = `
name: sim-tiny
model: { preset: tiny, layers: 2, bits: 4 }
workload:
  routing: { synthetic: { zipf: 1.0, reuse: 0.2, seed: 3 } }
  tokens: 300
  warmup: 20
machine: { page_cache: 40MB, resident: 16MB, ram: 256MB, enforce: best-effort }
engine: { cache.scope: per-layer }
variants:
  trust-os: { cache.policy: none }
  lru-6: { cache.policy: lru, cache.entries: 6 }
simulate:
  capacities: [2, 4, 8, 16]
  pagecache: 2q
  readahead: 64KiB
  threads: 2
`;

function io(lines: { out: string[]; err: string[] }): SimulateIO {
  return {
    root: resolve(import.meta.dir, ".."), cwd: scratch, resultsRoot: join(scratch, "results"),
    registry: testRegistry, engineAbi: () => library().abi,
    out: (s) => lines.out.push(s), err: (s) => lines.err.push(s),
    now: () => new Date("2026-01-02T03:04:05Z"),
  };
}

test("tables, JSON, CSV and charts for every policy with OPT", async () => {
  const file = join(scratch, "sim-tiny.yaml");
  writeFileSync(file, EXPERIMENT);
  const lines = { out: [] as string[], err: [] as string[] };
  expect(await simulateCommand(file, io(lines))).toBe(0);
  expect(lines.err).toEqual([]);
  const text = lines.out.join("\n");
  const policies = ["opt", "lru", "clock", "lfu", "s3fifo", "sieve", "arc", "none"];
  for (const p of policies) expect(text).toMatch(new RegExp(`^${p}\\s+\\d`, "m"));
  expect(text).toContain("per-layer cache (×2), io.direct off, page cache 2q");
  expect(text).toMatch(/^lru-6\s+lru\s+6\s/m);

  const dir = join(scratch, "results/sim-tiny/simulate-20260102T030405Z");
  const record = JSON.parse(readFileSync(join(dir, "simulation.json"), "utf8")) as SimulationRecord;
  expect(record).toMatchObject({ schema: 1, kind: "simulation", experiment: "sim-tiny", engineAbi: library().abi });
  expect(record.section).toEqual({ capacities: [2, 4, 8, 16].map((entries) => ({ entries })), pagecache: "2q",
    readahead: 65536, active_fraction: 0.5, threads: 2 });
  expect(record.groups).toHaveLength(1);
  const cells = record.groups[0]!.result.cells;
  // 7 storing policies × 4 sizes + none; lru@6 (the variant's own) on top
  expect(cells).toHaveLength(7 * 4 + 1 + 1);
  expect(record.git.revision).toMatch(/^[0-9a-f]{40}$/);

  const rows = parse(readFileSync(join(dir, "simulation.csv"), "utf8"), { columns: true }) as Record<string, string>[];
  expect(rows).toHaveLength(cells.length);
  expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(["policy", "entries_per_cache", "capacity_bytes",
    "app_hit_ratio", "memory_hit_ratio", "pagecache_bytes", "device_bytes"]));
  const lru6 = rows.find((r) => r.policy === "lru" && r.entries_per_cache === "6")!;
  expect(lru6.configs_here).toBe("lru-6");
  expect(Number(lru6.capacity_entries)).toBe(12);

  const pngs = readdirSync(dir).filter((f) => f.endsWith(".png")).sort();
  expect(pngs).toEqual(["g1-app-hit-rate.png", "g1-memory-hit-rate.png"]);
  for (const f of pngs) expect(readFileSync(join(dir, f)).subarray(1, 4).toString()).toBe("PNG");
});

test("a bad simulate: section is refused with its line, and nothing is written", async () => {
  const file = join(scratch, "bad.yaml");
  writeFileSync(file, EXPERIMENT.replace("pagecache: 2q", "pagecache: arc").replace("name: sim-tiny", "name: sim-bad"));
  const lines = { out: [] as string[], err: [] as string[] };
  expect(await simulateCommand(file, io(lines))).toBe(1);
  expect(lines.err[0]).toBe('bad.yaml:15:14: simulate.pagecache: "arc" is not valid; expected off | lru | 2q (did you mean "lru"?)');
  expect(existsSync(join(scratch, "results/sim-bad"))).toBe(false);
  expect(await simulateCommand("no-such-experiment", io(lines))).toBe(2);
  expect(lines.err.at(-1)).toContain("no experiment file");
});
