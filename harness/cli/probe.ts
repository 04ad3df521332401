// `bun run probe` — measure this machine's ceilings (device, page-cache, memory and kernel
// figures) into its machine profile. Cached per machine: run again, it prints the profile it
// has; --refresh measures again.

import { defineCommand, runMain } from "citty";
import { defaultProfilePath } from "../probe/machine-profile.ts";
import { fullProbe } from "../probe/full-probe.ts";
import { profileTable } from "../probe/profile-table.ts";

await runMain(defineCommand({
  meta: { name: "probe", description: "measure this machine's ceilings into its machine profile" },
  args: {
    refresh: { type: "boolean", description: "measure again even if the profile is up to date", default: false },
    model: { type: "string", description: "model directories to probe on, comma-separated (default: one-layer qwen3.5-397b-a17b models at 2 and 4 bits, generated once)" },
    profile: { type: "string", description: "profile file (default: $TIERBENCH_PROFILE, else data/profile/<hostname>.json)" },
  },
  async run({ args }) {
    const profilePath = args.profile ?? defaultProfilePath();
    try {
      const r = await fullProbe({
        profilePath, refresh: args.refresh, modelDirs: args.model?.split(",").filter(Boolean),
        note: (line) => console.error(line),
      });
      for (const s of r.skipped) console.error(`not probed: ${s.what}: ${s.reason}`);
      console.log(profileTable(r.profile));
      console.log(r.probed
        ? `\nwrote ${profilePath}`
        : `\n${profilePath} is up to date for this machine (probed ${r.profile.probe!.completedAt}); --refresh measures again`);
      console.log("Other processes on this machine share its CPU and disk: compare figures across runs of the probe before trusting one.");
    } catch (err) {
      console.error(`probe: ${(err as Error).message}`);
      process.exit(1);
    }
  },
}));
