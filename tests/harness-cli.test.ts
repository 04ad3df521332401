// `bun run experiment`: finding the file, the dry-run view, and refusing invalid files with
// located errors, a non-zero exit and nothing written.
import { describe, expect, test } from "bun:test";
import { cpSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { experimentCommand, EXIT_INVALID, EXIT_USAGE } from "../harness/cli/experiment-command.ts";
import { findExperimentFile } from "../harness/experiment/find-file.ts";
import { testRegistry } from "./harness-registry.ts";
import { scratchDirs } from "./harness-scratch.ts";

const scratchDir = scratchDirs();

const root = path.resolve(import.meta.dir, "..");

function run(arg: string, dryRun: boolean, where = { root, cwd: root }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = experimentCommand(arg, dryRun, { ...where, registry: testRegistry, out: (s) => out.push(s), err: (s) => err.push(s) });
  return code.then((c) => ({ code: c, out: out.join("\n"), err: err.join("\n") }));
}

describe("finding the experiment file", () => {
  const sub = path.join(root, "tests");
  test.each([
    ["lru-vs-nocache.yaml", root, "experiments/lru-vs-nocache.yaml"],
    ["lru-vs-nocache", sub, "experiments/lru-vs-nocache.yaml"],
    ["experiments/smoke.yaml", root, "experiments/smoke.yaml"],
    ["../experiments/smoke.yaml", sub, "experiments/smoke.yaml"],
    ["fixtures/experiments/bad/zero-layers.yaml", sub, "tests/fixtures/experiments/bad/zero-layers.yaml"],
  ])("%p from %p", (arg, cwd, want) => {
    expect(findExperimentFile(arg, cwd, root)).toEqual({ ok: true, file: path.join(root, want) });
  });

  test("a missing file names where it looked and what exists", async () => {
    const r = await run("lru-vs-nocach.yaml", true);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toContain("no experiment file lru-vs-nocach.yaml nor experiments/lru-vs-nocach.yaml");
    expect(r.err).toMatch(/experiments in experiments\/: .*lru-vs-nocache\.yaml, .*smoke\.yaml/);
  });

  test("a path is not looked up in experiments/", () => {
    const r = findExperimentFile("somewhere/smoke.yaml", root, root);
    expect(r.ok).toBe(false);
  });
});

describe("--dry-run", () => {
  test("lists every run of lru-vs-nocache.yaml in order, with sizes both ways and estimates", async () => {
    const r = await run("lru-vs-nocache.yaml", true);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    const runs = r.out.split("\n").filter((l) => /^(lru|trust)\S*#\d/.test(l)).map((l) => l.split(/\s+/)[0]);
    const configs = ["lru-9.8GB+first-touch", "lru-9.8GB", "trust-os"];
    expect(runs).toEqual([1, 2, 3, 4, 5].flatMap((rep) => configs.map((c) => `${c}#${rep}`)));
    expect(r.out).toContain("L = 4 of 60 (s = 0.0667), 2-bit");
    expect(r.out).toContain("cache.budget_bytes=9.80 GB → 653 MB");
    expect(r.out).toContain("page cache 35.0 GB → 2.33 GB");
    expect(r.out).toContain("compare   trust-os vs lru-9.8GB+first-touch: tok_s, published +38% (+32%..+40%)");
    expect(r.out).toMatch(/^disk {6}8\.42 GB for 1 model/m);
    expect(r.out).toMatch(/^time {6}≈ \d+ (s|min|h)/m);
    expect(r.out).toMatch(/^bandwidth \S+ [MG]B\/s device reads, (assumed|measured)/m);
  });

  test("smoke.yaml validates too", async () => {
    const r = await run("smoke", true);
    expect(r.code).toBe(0);
    expect(r.out).toContain("2: 2 configurations × 1 repeat");
  });
});

describe("invalid experiments", () => {
  test("every error is reported, located, and nothing is written", async () => {
    const dir = scratchDir();
    mkdirSync(path.join(dir, "experiments"));
    cpSync(path.join(root, "tests/fixtures/experiments/bad/unknown-top-key.yaml"), path.join(dir, "experiments/x.yaml"));
    const before = readdirSync(dir, { recursive: true }).sort();
    for (const dryRun of [true, false]) {
      const r = await run("x.yaml", dryRun, { root: dir, cwd: dir });
      expect(r.code).toBe(EXIT_INVALID);
      expect(r.out).toBe("");
      expect(r.err.split("\n")).toEqual([
        "experiments/x.yaml:3:1: model: missing; expected a mapping",
        'experiments/x.yaml:4:1: modle: unknown key "modle" (did you mean "model"?); valid keys: name, description, model, workload, machine, pin, engine, sweep, variants, compare, simulate',
        "experiments/x.yaml: 2 errors; nothing was run",
      ]);
    }
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);
  });

  test("a file that is not YAML", async () => {
    const dir = scratchDir();
    writeFileSync(path.join(dir, "e.yaml"), "name: [unclosed\n");
    const r = await run("e.yaml", true, { root: dir, cwd: dir });
    expect(r.code).toBe(EXIT_INVALID);
    expect(r.err).toMatch(/^e\.yaml:2:1: YAML syntax: /);
  });
});

describe("files an experiment names", () => {
  test("a missing trace or import directory is an error located where it is written", async () => {
    const dir = scratchDir();
    writeFileSync(path.join(dir, "e.yaml"), "name: e\nmodel:\n  preset: tiny\n  import: packed\nworkload:\n  routing: {trace: t.bin}\n");
    const missing = await run("e.yaml", true, { root: dir, cwd: dir });
    expect(missing.code).toBe(EXIT_INVALID);
    expect(missing.err.split("\n").slice(0, 2)).toEqual([
      `e.yaml:4:11: model.import: no such directory ${path.join(dir, "packed")}`,
      `e.yaml:6:20: workload.routing.trace: no such file ${path.join(dir, "t.bin")}`,
    ]);
    mkdirSync(path.join(dir, "packed"));
    writeFileSync(path.join(dir, "t.bin"), "");
    expect((await run("e.yaml", true, { root: dir, cwd: dir })).code).toBe(0);
  });
});

describe("the command as typed", () => {
  const bun = process.execPath;

  test("`bun run experiment --dry-run` from a subdirectory finds a relative path and a bare name", () => {
    for (const arg of ["../experiments/smoke.yaml", "smoke"]) {
      const p = Bun.spawnSync([bun, "run", "--silent", "experiment", "--dry-run", arg], { cwd: path.join(root, "tests"), stderr: "pipe" });
      expect(p.stderr.toString()).toBe("");
      expect(p.exitCode).toBe(0);
      expect(p.stdout.toString()).toContain("none#1  none     1       cache.policy=none, cache.entries=0");
    }
  }, 60_000); // two Bun start-ups and a registry load: seconds on a loaded two-core machine

  test("an invalid file exits non-zero with its errors on stderr", () => {
    const p = Bun.spawnSync([bun, "harness/cli/experiment.ts", "--dry-run", "tests/fixtures/experiments/bad/k-exceeds-experts.yaml"], { cwd: root, stderr: "pipe" });
    expect(p.exitCode).toBe(EXIT_INVALID);
    expect(p.stdout.toString()).toBe("");
    expect(p.stderr.toString()).toContain("tests/fixtures/experiments/bad/k-exceeds-experts.yaml:6:6: workload.k: K = 20");
  }, 60_000);
});
