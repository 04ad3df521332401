// Every file in fixtures/experiments/bad/ is refused with exactly the errors its "# expect:"
// lines name: line and column, key path and message.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { formatDiagnostic } from "../harness/experiment/diagnostic.ts";
import { planExperiment } from "../harness/experiment/plan-experiment.ts";
import { testRegistry } from "./harness-registry.ts";

const dir = path.join(import.meta.dir, "fixtures/experiments/bad");
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
const reg = testRegistry();

/** "# expect: 5:3 model.bitz: unknown key" → the start of a formatted diagnostic after "file:". */
function expectations(text: string): string[] {
  return [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => m[1]!);
}

describe("bad experiment files", () => {
  test("there are at least 20, each with expectations", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const f of files) expect(expectations(readFileSync(path.join(dir, f), "utf8")).length).toBeGreaterThan(0);
  });

  test.each(files)("%s", (name) => {
    const file = path.join(dir, name);
    const text = readFileSync(file, "utf8");
    const planned = planExperiment(text, file, reg);
    expect(planned.ok).toBe(false);
    if (planned.ok) return;
    const got = planned.diagnostics.map((d) => formatDiagnostic(d).slice(file.length + 1));
    const want = expectations(text);
    // Each expectation is the start of one diagnostic; nothing else may be reported.
    for (const w of want) expect(got.map((g) => g.slice(0, w.length))).toContain(w);
    expect(got.length).toBe(want.length);
  });
});
