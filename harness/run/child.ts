// A run's own process: reads its ChildInput on stdin, opens the engine on an already prepared
// model (nothing is generated here), steps it in ≈100 ms slices and writes protocol lines to
// stdout — progress while running, then every raw sample. A crash takes only this process.

import { writeSync } from "node:fs";
import { Engine } from "../../ffi/index.ts";
import type { RunSamples } from "../results/run-record.ts";
import { dieWithParent } from "../probe/libc.ts";
import { processCounters } from "../counters/process-counters.ts";
import type { ChildInput, ChildMessage } from "./child-protocol.ts";

dieWithParent();
// Ctrl-C reaches the whole terminal process group; the sweep alone decides what it means.
process.on("SIGINT", () => {});
// Synchronous writes: nothing is left in a buffer when the process exits or is killed.
const say = (m: ChildMessage) => writeSync(1, `${JSON.stringify(m)}\n`);

// The engine's counters when the warm-up tokens had run (ChildInput.warmupTokens).
let warmupStats: Record<string, number> | undefined;

function samplesOf(engine: Engine): RunSamples {
  const layers = engine.layerStats();
  const names = Object.keys(layers[0] ?? {});
  return {
    tokenTimesS: Array.from(engine.tokenTimes()),
    stats: engine.stats(),
    ...(warmupStats ? { warmupStats } : {}),
    layerStats: { names, rows: layers.map((l) => names.map((n) => l[n]!)) },
    tokenCounters: engine.tokenCounters(),
    outputHash: engine.outputHash(),
    config: engine.config(),
  };
}

const input = JSON.parse(await Bun.stdin.text()) as ChildInput;
const engine = new Engine();
let opened = false;
try {
  engine.setAll(input.engine);
  engine.open();
  opened = true;
  const config = engine.config();
  say({ type: "opened", abi: engine.lib.abi, config });
  say({ type: "counters", at: "start", process: processCounters() });
  const totalTokens = Number(config["run.tokens"] ?? 0);
  const warmup = Math.min(input.warmupTokens ?? 0, totalTokens);
  let before = 0;
  let shown = performance.now();
  for (;;) {
    // Until the warm-up ends, one token per step (a zero budget), so the counters can be kept
    // exactly at its last token; progress is still reported about once per stepMs.
    const warming = warmupStats === undefined && warmup > 0;
    const state = engine.step(warming ? 0 : input.stepMs);
    const tokens = engine.stats().tokens ?? 0;
    if (warming && tokens >= warmup) warmupStats = engine.stats();
    const seconds = (performance.now() - shown) / 1e3;
    if (!warming || state === "done" || seconds * 1e3 >= input.stepMs) {
      say({ type: "progress", tokens, totalTokens, tokS: seconds > 0 ? (tokens - before) / seconds : 0 });
      before = tokens;
      shown = performance.now();
    }
    if (state === "done") break;
  }
  say({ type: "counters", at: "end", process: processCounters() });
  say({ type: "result", status: "ok", samples: samplesOf(engine) });
  engine.close();
} catch (err) {
  // What was measured before the error is kept with it.
  let samples: RunSamples | null = null;
  if (opened) {
    say({ type: "counters", at: "end", process: processCounters() });
    try {
      samples = samplesOf(engine);
    } catch {
      samples = null;
    }
  }
  const status = (err as { status?: unknown }).status;
  say({
    type: "result",
    status: "failed",
    error: { message: (err as Error).message, ...(typeof status === "number" ? { code: status } : {}) },
    samples,
  });
  engine.close();
  process.exit(1);
}
