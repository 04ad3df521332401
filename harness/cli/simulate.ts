// `bun run simulate [file]` — replay an experiment's routing through cache policies ×
// capacities without I/O (the OPT bound included), alone and in front of a page-cache model;
// prints hit-rate tables and writes JSON, CSV and miss-ratio charts. Default: cache-policies.yaml.
import { defineCommand, runMain } from "citty";
import path from "node:path";
import { library } from "../../ffi/index.ts";
import { engineRegistry } from "../engine/load-registry.ts";
import { resultsRoot } from "../results/results-dir.ts";
import { DEFAULT_EXPERIMENT, simulateCommand } from "../sim/simulate-command.ts";

const root = path.resolve(import.meta.dir, "../..");

const main = defineCommand({
  meta: { name: "simulate", description: "Trace-driven cache simulation of an experiment's routing: every policy's hit-rate curve, OPT included." },
  args: {
    file: { type: "positional", required: false, description: `experiment file: a path, or a name in experiments/ (default ${DEFAULT_EXPERIMENT})` },
    threads: { type: "string", description: "simulator threads (default: the file's simulate.threads, 0 = every CPU)" },
  },
  async run({ args }) {
    const abort = new AbortController();
    process.once("SIGINT", () => abort.abort());
    const threads = args.threads === undefined ? undefined : Number(args.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0 && threads <= 256)) {
      console.error(`simulate: --threads ${args.threads}: a whole number 0..256`);
      process.exitCode = 2;
      return;
    }
    const tty = process.stderr.isTTY;
    process.exitCode = await simulateCommand(args.file, {
      root, cwd: invocationDir(), resultsRoot: resultsRoot(root), registry: engineRegistry, engineAbi: () => library().abi,
      threads, signal: abort.signal,
      out: (s) => console.log(s),
      err: (s) => console.error(s),
      progress: (group, f) => {
        if (tty) process.stderr.write(`\rsimulating ${group}: ${Math.round(100 * f)} %${f >= 1 ? "\r\x1b[K" : ""}`);
      },
    });
  },
});

/** Where the user typed the command (see harness/cli/experiment.ts). */
function invocationDir(): string {
  const bunDir = process.env.npm_config_local_prefix;
  if (bunDir && path.resolve(bunDir) !== root) return bunDir;
  return process.env.INIT_CWD ?? process.cwd();
}

await runMain(main);
