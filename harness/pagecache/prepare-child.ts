// The process that produces a run's page-cache state from inside the run's cgroup (started
// there by join-command.ts): reads {state, modelDir} on stdin, writes one JSON line — the
// report, or the error — to stdout. Pages it pre-reads stay charged to the cgroup after it exits.

import { writeSync } from "node:fs";
import { dieWithParent } from "../probe/libc.ts";
import { producePageCacheState } from "./page-cache-state.ts";
import type { PageCacheState } from "./states.ts";

dieWithParent();
process.on("SIGINT", () => {}); // Ctrl-C reaches the whole process group; the sweep decides what it means
const input = JSON.parse(await Bun.stdin.text()) as { state: PageCacheState; modelDir: string };
try {
  const report = await producePageCacheState(input.state, input.modelDir);
  writeSync(1, `${JSON.stringify({ ok: true, report })}\n`);
} catch (e) {
  writeSync(1, `${JSON.stringify({ ok: false, error: (e as Error).message })}\n`);
  process.exit(1);
}
