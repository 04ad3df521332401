// `bun run trace stats <trace|routing file|workload>... [--capacities 16,32]`: per-layer and
// overall routing statistics of each source side by side, as tables, a JSON block and charts.

import { defineCommand } from "citty";
import { basename } from "node:path";
import { writeFileSync } from "node:fs";
import { traceStats } from "../stats/trace-stats.ts";
import { layerTable, summaryTable, type LabelledStats } from "../stats/stats-table.ts";
import { writeStatsCharts } from "../stats/stats-charts.ts";
import { segmentStarts } from "../trace-meta.ts";
import { loadSource } from "../routing-source.ts";
import { conversionArgs, conversionOptions, explainErrors, intList, positiveInt } from "./shared-args.ts";

/** Default LRU capacities: every size below the expert count for small models, else E/32..E/4. */
export function defaultCapacities(experts: number): number[] {
  if (experts <= 16) return Array.from({ length: Math.max(1, experts - 2) }, (_, i) => i + 2).filter((c) => c < experts);
  return [32, 16, 8, 4].map((d) => Math.max(1, Math.round(experts / d)));
}

export const statsCommand = defineCommand({
  meta: { name: "stats", description: "routing statistics of traces and synthetic workloads, side by side" },
  args: {
    source: { type: "positional", required: true,
      description: "binary trace, .jsonl / .csv routing, or a workload preset name (more may follow)" },
    capacities: { type: "string", description: "LRU entries per layer, e.g. 16,32,64,128 (default from the expert count)" },
    windows: { type: "string", default: "8,32,128", description: "token windows for distinct-expert counts" },
    warmup: { type: "string", default: "0", description: "tokens that fill caches before hits are counted" },
    tokens: { type: "string", description: "tokens to generate for a workload preset (default: its calibration length)" },
    summary: { type: "boolean", default: false, description: "print only the summary table, not the per-layer ones" },
    json: { type: "boolean", default: false, description: "print only the JSON block" },
    "json-out": { type: "string", description: "also write the JSON to this file" },
    charts: { type: "string", default: "results/trace-stats", description: "folder for the PNG charts ('' = none)" },
    ...conversionArgs,
  },
  run: ({ args }) => explainErrors("stats", async () => {
    const names = [args.source, ...args._.filter((a) => a !== args.source)];
    const o = conversionOptions(args);
    const tokens = positiveInt(args.tokens, "tokens");
    const loaded = names.map((n) => loadSource(n, { ...o, tokens }));
    const capacities = args.capacities ? intList(args.capacities, "capacities")
      : loaded[0]!.published?.capacities ?? defaultCapacities(loaded[0]!.trace.experts);
    const warmup = Number(args.warmup);
    if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`--warmup "${args.warmup}": a whole number of tokens >= 0`);
    const sources: LabelledStats[] = loaded.map((s) => ({
      label: s.label,
      published: s.published,
      stats: traceStats(s.trace, { capacities, windows: intList(args.windows, "windows"), warmupTokens: warmup, segmentStarts: segmentStarts(s.meta) }),
    }));
    const json = JSON.stringify({ tool: "tierbench trace stats", version: 1, sources }, null, 1);
    if (args["json-out"]) writeFileSync(args["json-out"], `${json}\n`);
    if (args.json) { console.log(json); return; }
    console.log(summaryTable(sources));
    if (!args.summary)
      for (const s of sources) console.log(`\n${s.label} — per layer\n${layerTable(s.stats)}`);
    if (args.charts) {
      const files = await writeStatsCharts(sources, args.charts, names.map((n) => basename(n)).join("+"));
      console.log(`\ncharts: ${files.join(", ")}`);
    }
    console.log(`\n\`\`\`json\n${json}\n\`\`\``);
  }),
});
