// `bun run trace` end to end: convert writes a trace and its metadata, bad input exits 1 with the
// file:line message and writes nothing, and stats --json prints one parseable labelled object.

import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const FIXTURES = join(import.meta.dir, "fixtures", "traces");
const dir = mkdtempSync(join(tmpdir(), "tb-trace-cli-"));

function trace(...args: string[]) {
  const p = Bun.spawnSync([process.execPath, join(ROOT, "harness", "cli", "trace.ts"), ...args], { cwd: ROOT });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

describe("bun run trace", () => {
  test("convert writes the binary trace and its metadata and reports the gaps", () => {
    const out = join(dir, "tiny.tbtrace");
    const r = trace("convert", join(FIXTURES, "tiny.jsonl"), "-o", out);
    expect(r.code).toBe(0);
    expect(r.out).toContain("4 tokens × 2 layers, 4 experts, K=2, 2 segment(s)");
    expect(r.out).toContain("gaps (rule drop): 1 incomplete token(s), 1 dropped");
    expect(existsSync(out) && existsSync(`${out}.json`)).toBe(true);
  });

  test("bad input exits 1 with file:line and writes nothing", () => {
    const out = join(dir, "never.tbtrace");
    const r = trace("convert", join(FIXTURES, "tiny.jsonl"), "-o", out, "--gaps", "error");
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`trace convert: ${join(FIXTURES, "tiny.jsonl")}:8: token 1 of segment "1" has no routing for layer 1; ` +
      "use --gaps drop or --gaps fill to convert anyway");
    expect(existsSync(out)).toBe(false);
  });

  test("stats --json prints one object with per-layer and overall figures", () => {
    const r = trace("stats", join(FIXTURES, "tiny.csv"), "--json", "--capacities", "2,3", "--windows", "2");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.tool).toBe("tierbench trace stats");
    const s = doc.sources[0].stats;
    expect(s.capacities).toEqual([2, 3]);
    expect(s.layers).toHaveLength(2);
    expect(s.overall.lruHitRate).toHaveLength(2);
    expect(Object.keys(s.definitions)).toContain("crossLayer");
  });

  test("an unknown source names the workload presets", () => {
    const r = trace("stats", "no-such-thing", "--charts", "");
    expect(r.code).toBe(1);
    expect(r.err).toContain("no-such-thing: no such file, and not a workload preset (presets: qwen3.5-397b-a17b,");
  });
});
