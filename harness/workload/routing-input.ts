// Reads a routing file named on the command line, whatever its format: a binary trace (with
// its metadata beside it, if any) or JSON lines / CSV converted on the fly.

import { extname } from "node:path";
import type { Assembled, GapRule } from "./assemble.ts";
import { convertCsv, type CsvOptions } from "./convert-csv.ts";
import { convertJsonl } from "./convert-jsonl.ts";
import { readTrace, type Trace } from "./trace-file.ts";
import { readMeta, type TraceMeta } from "./trace-meta.ts";
import { TraceError } from "./trace-error.ts";

export type TextFormat = "jsonl" | "csv";
export const TEXT_FORMATS: readonly TextFormat[] = ["jsonl", "csv"];

export interface RoutingFile {
  trace: Trace;
  meta: TraceMeta | null;
}

/** The text format of a file from its extension (.jsonl/.ndjson, .csv), or null for a binary trace. */
export function textFormatOf(file: string): TextFormat | null {
  const ext = extname(file).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".csv") return "csv";
  return null;
}

export function convertText(file: string, format: TextFormat, o: CsvOptions): Assembled {
  return format === "jsonl" ? convertJsonl(file, o) : convertCsv(file, o);
}

export function readRoutingFile(file: string, o: CsvOptions & { format?: TextFormat }): RoutingFile {
  const format = o.format ?? textFormatOf(file);
  if (format) return convertText(file, format, o);
  if (o.gaps !== "drop" || o.layers !== undefined)
    throw new TraceError(file, null, "--gaps and --layers apply to JSON lines and CSV; a binary trace is already complete");
  return { trace: readTrace(file), meta: readMeta(file) };
}

export const GAP_HELP: Record<GapRule, string> = {
  drop: "leave out tokens that lack some layers",
  fill: "copy a missing layer from the previous token",
  error: "stop at the first incomplete token",
};
