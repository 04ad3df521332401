// A `trace stats` source by name: a routing file (binary, JSON lines, CSV) or a workload preset
// materialised by the engine, with the published figures it is meant to reproduce, if any.

import { existsSync } from "node:fs";
import type { CsvOptions } from "./convert-csv.ts";
import { readRoutingFile, type TextFormat } from "./routing-input.ts";
import type { Trace } from "./trace-file.ts";
import type { TraceMeta } from "./trace-meta.ts";
import type { Published } from "./stats/stats-table.ts";
import { TraceError } from "./trace-error.ts";
import { presetKeys, TARGETS, WORKLOAD_PRESETS } from "./workload-presets.ts";
import { engineRouting } from "./synthetic-routing.ts";

export interface Source {
  label: string;
  trace: Trace;
  meta: TraceMeta | null;
  published?: Published;
}

export function loadSource(name: string, o: CsvOptions & { format?: TextFormat; tokens?: number }): Source {
  if (existsSync(name)) return { label: name, ...readRoutingFile(name, o) };
  const preset = WORKLOAD_PRESETS[name];
  if (!preset)
    throw new TraceError(name, null, `no such file, and not a workload preset (presets: ${Object.keys(WORKLOAD_PRESETS).join(", ")})`);
  const tokens = o.tokens ?? preset.tokens;
  const target = preset.target ? TARGETS[preset.target] : undefined;
  return {
    label: `${name} (synthetic, seed ${preset.params.seed}, ${tokens} tokens)`,
    trace: engineRouting(presetKeys(preset), tokens),
    meta: null,
    published: target && tokens === target.tokens ? target : undefined,
  };
}
