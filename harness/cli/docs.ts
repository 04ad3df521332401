// `bun run docs` — regenerate README.md's experiment-file reference from the schema and the
// engine's registry. `--check` changes nothing and fails when README.md is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { defineCommand, runMain } from "citty";
import { engineRegistry } from "../engine/load-registry.ts";
import { experimentReference } from "../docs/reference.ts";
import { replaceBetween } from "../docs/markers.ts";
import { schemaFor } from "../experiment/plan-experiment.ts";

const readme = path.resolve(import.meta.dir, "../../README.md");

const main = defineCommand({
  meta: { name: "docs", description: "Regenerate the experiment-file reference in README.md." },
  args: { check: { type: "boolean", default: false, description: "fail if README.md is out of date; write nothing" } },
  run({ args }) {
    const before = readFileSync(readme, "utf8");
    const after = replaceBetween(before, experimentReference(schemaFor(engineRegistry())));
    if (args.check) {
      if (before !== after) {
        console.error("README.md's experiment reference is out of date: run `bun run docs`");
        process.exitCode = 1;
      }
      return;
    }
    if (before !== after) writeFileSync(readme, after);
    console.log(before === after ? "README.md is up to date" : "README.md: experiment reference regenerated");
  },
});

await runMain(main);
