// README.md stays true: its experiment reference is what `bun run docs` generates from the
// schema and the compiled engine's registry, and its example experiment validates.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { experimentReference } from "../harness/docs/reference.ts";
import { REFERENCE_END, REFERENCE_START, replaceBetween } from "../harness/docs/markers.ts";
import { testRegistry } from "./harness-registry.ts";
import { planExperiment, schemaFor } from "../harness/experiment/plan-experiment.ts";

const readme = readFileSync(path.resolve(import.meta.dir, "../README.md"), "utf8");

test("the experiment reference is up to date (run `bun run docs` when this fails)", () => {
  expect(readme).toContain(REFERENCE_START);
  expect(readme).toContain(REFERENCE_END);
  expect(replaceBetween(readme, experimentReference(schemaFor(testRegistry())))).toBe(readme);
});

test("the reference documents every engine key an experiment may set, and every harness field", () => {
  const s = schemaFor(testRegistry());
  const names = [...s.engineKeys.keys(), ...s.fields.map((f) => f.path)];
  expect(names.filter((n) => !readme.includes(`| \`${n}\` |`))).toEqual([]);
});

test("the example experiment validates into the runs the README says", () => {
  const yaml = /A short one:\n\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(yaml).toBeDefined();
  const r = planExperiment(yaml!, "/x/threads.yaml", testRegistry());
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  expect(r.plan.runs).toHaveLength(30);
  expect(r.plan.runs[0]!.sizes["cache.budget_bytes"]).toEqual({ emulated: 9.8e9, physical: Math.round(9.8e9 / 15), unit: "bytes" });
});

test("replaceBetween keeps what is outside the markers and refuses a file without them", () => {
  const text = `a\n${REFERENCE_START}\nold\n${REFERENCE_END}\nb\n`;
  expect(replaceBetween(text, "new")).toBe(`a\n${REFERENCE_START}\nnew\n${REFERENCE_END}\nb\n`);
  expect(() => replaceBetween("no markers", "x")).toThrow(/markers not found/);
});

test("every dependency in package.json is explained in the README's dependency table", () => {
  const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dir, "../package.json"), "utf8"));
  const table = readme.slice(readme.indexOf("## Dependencies"), readme.indexOf("\n## ", readme.indexOf("## Dependencies") + 1));
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  expect(names.filter((n) => !table.includes(`\`${n}\``))).toEqual([]);
});
