// The runner's fixed overhead, embodied: a process started inside an unlimited cgroup that does
// what a run's child does before and around its token loop — Bun, the binding, the engine
// opened with the run's settings (no application cache), a few steps — then says "ready" and
// waits for stdin to close while the parent reads the cgroup. Input: JSON in argv[2].

import { writeSync } from "node:fs";
import { Engine } from "../../ffi/index.ts";
import { dieWithParent } from "../probe/libc.ts";
import type { EngineValue } from "../run/child-protocol.ts";

dieWithParent();
process.on("SIGINT", () => {}); // Ctrl-C reaches the whole process group; the sweep decides what it means
const input = JSON.parse(process.argv[2] ?? "{}") as { engine: Record<string, EngineValue>; steps: number; stepMs: number };
const engine = new Engine();
try {
  engine.setAll(input.engine).open();
  for (let i = 0; i < input.steps && engine.step(input.stepMs) === "more"; i++);
  const tokens = engine.stats().tokens ?? 0;
  writeSync(1, `${JSON.stringify({ ready: true, tokens })}\n`);
  await Bun.stdin.text(); // the parent closes stdin once it has measured
} catch (e) {
  writeSync(1, `${JSON.stringify({ ready: false, error: (e as Error).message })}\n`);
  process.exitCode = 1;
} finally {
  engine.close();
}
