// Options shared by the `trace` subcommands (citty declarations) and their parsing helpers.

import type { ArgsDef } from "citty";
import { GAP_RULES, type GapRule } from "../assemble.ts";
import { TraceError } from "../trace-error.ts";

export const conversionArgs = {
  format: { type: "enum", options: ["jsonl", "csv"], description: "input format (default: from the extension)" },
  gaps: { type: "enum", options: [...GAP_RULES] as string[], default: "drop",
    description: "tokens missing some layers: drop them, fill from the previous token, or error" },
  experts: { type: "string", description: "experts per layer (default: largest id seen + 1)" },
  layers: { type: "string", description: "layers (default: largest layer seen + 1)" },
  "layer-column": { type: "string", description: "CSV: column holding the layer" },
  "token-column": { type: "string", description: "CSV: column holding the token index" },
  "segment-column": { type: "string", description: "CSV: column naming the sequence / prompt" },
  "expert-columns": { type: "string", description: "CSV: comma-separated expert id columns, in routing order" },
  "weight-columns": { type: "string", description: "CSV: comma-separated gate weight columns" },
} satisfies ArgsDef;

/** A positive integer option, or an error naming the option and what is valid. */
export function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new TraceError(`--${option}`, null, `"${value}" is not a positive integer`);
  return n;
}

/** "2,4,8" → [2, 4, 8]: positive integers, as given. */
export function intList(value: string, option: string): number[] {
  return value.split(",").map((s) => positiveInt(s.trim(), option)!);
}

export function conversionOptions(a: Record<string, unknown>) {
  const list = (v: unknown) => (typeof v === "string" ? v.split(",").map((s) => s.trim()) : undefined);
  return {
    format: a.format as "jsonl" | "csv" | undefined,
    gaps: a.gaps as GapRule,
    experts: positiveInt(a.experts as string | undefined, "experts"),
    layers: positiveInt(a.layers as string | undefined, "layers"),
    layerColumn: a["layer-column"] as string | undefined,
    tokenColumn: a["token-column"] as string | undefined,
    segmentColumn: a["segment-column"] as string | undefined,
    expertColumns: list(a["expert-columns"]),
    weightColumns: list(a["weight-columns"]),
  };
}

/** Runs a subcommand body; input errors print as one line and exit 1 (no stack trace). */
export async function explainErrors(command: string, body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    console.error(`trace ${command}: ${e.message}`);
    process.exit(1);
  }
}
