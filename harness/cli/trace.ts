// `bun run trace <convert|stats|popularity|calibrate>`: routing workloads — converting real traces
// into the engine's binary format, their statistics beside synthetic ones, and calibration.

import { defineCommand, runMain } from "citty";
import { convertCommand } from "../workload/cli/convert.ts";
import { statsCommand } from "../workload/cli/stats.ts";
import { popularityCommand } from "../workload/cli/popularity.ts";
import { calibrateCommand } from "../workload/cli/calibrate.ts";

await runMain(defineCommand({
  meta: { name: "trace", description: "routing traces and synthetic workloads" },
  subCommands: { convert: convertCommand, stats: statsCommand, popularity: popularityCommand, calibrate: calibrateCommand },
}));
