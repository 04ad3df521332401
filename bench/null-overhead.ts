// `bun bench/null-overhead.ts` — the harness's own cost per token (null I/O engine: stage clocks
// outside the arithmetic plus the binding's time between steps) against the smallest realistic
// per-token time here (pread, page cache warm, 2-bit, K = 4). Alternating trials, medians.

import { defineCommand, runMain } from "citty";
import { loadavg } from "node:os";
import { openSync, readSync, closeSync } from "node:fs";
import { join } from "node:path";
import { Engine, ensureModel } from "../ffi/index.ts";
import { median } from "../harness/results/summary-stats.ts";

interface Sample { perLayerS: number; overheadPerLayerS: number; stages: Record<string, number> }

const STAGES = ["dense", "routing", "cache", "wait", "expert", "combine"] as const;

function warm(dir: string): void {
  const fd = openSync(join(dir, "layer_00.bin"), "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  while (readSync(fd, buf, 0, buf.length, null) > 0) {}
  closeSync(fd);
}

/** One run; per layer: its wall time and the overhead — routing release, cache bookkeeping,
 * issuing and reaping reads (with the null engine nothing is read), and the binding. */
async function run(dir: string, layers: number, tokens: number, keys: Record<string, string | number>): Promise<Sample> {
  const e = new Engine();
  try {
    e.setAll({ "model.dir": dir, "run.tokens": tokens, ...keys }).open();
    const t0 = performance.now();
    const s = await e.run();
    const outer = (performance.now() - t0) / 1e3;
    const n = s.tokens! * layers;
    const stages = Object.fromEntries(STAGES.map((st) => [st, s[`${st}_wall_s`]! / n]));
    const between = (outer - s.run_wall_s!) / n;   // the binding, steps and the event loop
    return { perLayerS: outer / n, overheadPerLayerS: stages.routing! + stages.cache! + stages.wait! + between, stages };
  } finally {
    e.close();
  }
}

await runMain(defineCommand({
  meta: { name: "null-overhead", description: "the harness's per-token overhead (null I/O engine) against the smallest realistic per-token time" },
  args: {
    trials: { type: "string", default: "5" },
    tokens: { type: "string", default: "200" },
  },
  async run({ args }) {
    const m = await ensureModel({ preset: "qwen3.5-397b-a17b", geometry: { layers: 1 }, bits: 2 });
    const trials = Number(args.trials), tokens = Number(args.tokens);
    const load0 = loadavg();
    const nul: Sample[] = [], real: Sample[] = [], bare: Sample[] = [];
    for (let t = 0; t < trials; t++) {
      warm(m.dir);
      const trio = [
        () => run(m.dir, 1, tokens, { "io.engine": "null", "dense.passes": 0 }).then((s) => nul.push(s)),
        () => run(m.dir, 1, tokens, { "io.engine": "pread", "io.threads": 4 }).then((s) => real.push(s)),
        () => run(m.dir, 1, tokens, { "io.engine": "pread", "io.threads": 4, "dense.passes": 0 }).then((s) => bare.push(s)),
      ];
      for (const f of t % 2 ? trio.reverse() : trio) await f();
    }
    const ms = (s: number) => `${(s * 1e3).toFixed(4)} ms`;
    const overhead = median(nul.map((s) => s.overheadPerLayerS));
    const realistic = median(real.map((s) => s.perLayerS));
    const smallest = median(bare.map((s) => s.perLayerS));
    console.log(`null engine, dense.passes 0: overhead ${ms(overhead)} per layer (routing ${ms(median(nul.map((s) => s.stages.routing!)))}, ` +
      `cache ${ms(median(nul.map((s) => s.stages.cache!)))}, issue/reap ${ms(median(nul.map((s) => s.stages.wait!)))}, binding and steps the rest)`);
    console.log(`pread, page cache warm, 2-bit, K=4: ${ms(realistic)} per layer = ${(realistic * 60 * 1e3).toFixed(1)} ms per 60-layer token`);
    console.log(`pread, page cache warm, 2-bit, K=4, no dense pass: ${ms(smallest)} per layer`);
    console.log(`overhead / per-token time: ${(100 * overhead / realistic).toFixed(3)} % with a dense pass, ` +
      `${(100 * overhead / smallest).toFixed(3)} % without (goal < 1 %); ` +
      `${trials} alternating trials of ${tokens} tokens, medians; load average ${load0.map((l) => l.toFixed(1)).join(" ")} at start`);
  },
}));
