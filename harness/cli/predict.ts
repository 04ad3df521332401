// `bun run predict FILE [--into DIR] [--profile PATH]` — tok/s of every configuration of an
// experiment predicted from its workload, the cache simulator and the machine profile alone;
// --into stores them in a result directory, whose report then shows them beside the measured.
import { defineCommand, runMain } from "citty";
import path from "node:path";
import { presetGeometry } from "../engine/preset-geometry.ts";
import { engineRegistry } from "../engine/load-registry.ts";
import { defaultProfilePath } from "../probe/machine-profile.ts";
import { simulate } from "../sim/sim-binding.ts";
import { predictCommand } from "../theory/predict-command.ts";

const root = path.resolve(import.meta.dir, "../..");
const cwd = process.env.INIT_CWD ?? process.cwd();

const main = defineCommand({
  meta: { name: "predict", description: "Predict tok/s per configuration from workload, simulator and machine profile (nothing measured)." },
  args: {
    file: { type: "positional", required: true, description: "experiment file: a path, or a name in experiments/" },
    into: { type: "string", description: "result directory to store predictions.json in (its report shows predicted beside measured)" },
    profile: { type: "string", description: "machine profile (default: this machine's, as `bun run probe` writes it)" },
    "paper-machine": { type: "boolean", description: "predict the full model on Flash-MoE's M3 Max (profiles/apple-m3-max-48gb.json, the paper's dense time)" },
  },
  async run({ args }) {
    process.exitCode = await predictCommand(args.file, {
      root, cwd, registry: engineRegistry, simulate,
      geometryOf: presetGeometry,
      profilePath: args.profile ? path.resolve(cwd, args.profile) : defaultProfilePath(root),
      into: args.into ? path.resolve(cwd, args.into) : undefined,
      paperMachine: Boolean(args["paper-machine"]),
      out: (s) => console.log(s),
      err: (s) => console.error(s),
    });
  },
});

await runMain(main);
