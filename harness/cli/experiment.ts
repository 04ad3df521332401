// `bun run experiment [--dry-run] <file>` — validate an experiment file, then show its plan
// (--dry-run) or run it. A bare name is looked up in experiments/.
import { defineCommand, runMain } from "citty";
import path from "node:path";
import { engineRegistry } from "../engine/load-registry.ts";
import { experimentCommand } from "./experiment-command.ts";

const root = path.resolve(import.meta.dir, "../..");

const main = defineCommand({
  meta: { name: "experiment", description: "Validate an experiment file and run it, or show its plan with --dry-run." },
  args: {
    file: { type: "positional", required: true, description: "experiment file: a path, or a name in experiments/ (e.g. lru-vs-nocache.yaml)" },
    "dry-run": { type: "boolean", default: false, description: "list the expanded runs with time and disk estimates; run nothing" },
    fresh: { type: "boolean", default: false, description: "start a new result set instead of resuming this experiment's last one" },
  },
  async run({ args }) {
    process.exitCode = await experimentCommand(args.file, args["dry-run"], {
      root,
      cwd: invocationDir(),
      registry: engineRegistry,
      fresh: args.fresh,
      out: (s) => console.log(s),
      err: (s) => console.error(s),
    });
  },
});

/** Where the user typed the command. `bun run` and `npm run` start scripts in the package
 *  root: Bun sets npm_config_local_prefix to the directory it was started in, npm sets it to
 *  the package root and keeps the user's directory in INIT_CWD. */
function invocationDir(): string {
  const bunDir = process.env.npm_config_local_prefix;
  if (bunDir && path.resolve(bunDir) !== root) return bunDir;
  return process.env.INIT_CWD ?? process.cwd();
}

await runMain(main);
