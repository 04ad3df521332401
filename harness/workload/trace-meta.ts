// The metadata that travels beside a binary trace as `<trace>.json`: where it came from, how
// gaps were handled, its segments (prompts / sequences) and every extra source column.

import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export type MetaValue = string | number | boolean | null;

export interface TraceSegment {
  name: string; // the source's sequence / prompt id ("" when the file has one sequence)
  start: number; // first token of the segment in the trace
  tokens: number;
  fields: Record<string, MetaValue>; // source columns that are constant over the segment
}

export interface TraceMeta {
  format: "tierbench-trace-meta";
  version: 1;
  source: { file: string; format: string };
  gaps: {
    rule: string; // drop | fill | error (assemble.ts)
    incompleteTokens: number; // tokens that lacked at least one layer
    droppedTokens: number; // of those, left out
    filledRecords: number; // (token, layer) records copied from the previous token
    missingTokenIndices: number; // token indices absent from the source altogether
  };
  segments: TraceSegment[];
  columns: Record<string, { per: "token"; values: MetaValue[] } | { per: "row"; values: MetaValue[][] }>;
}

export const metaPath = (tracePath: string): string => `${tracePath}.json`;

export function writeMeta(tracePath: string, meta: TraceMeta): void {
  const file = metaPath(tracePath);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(meta, null, 1)}\n`);
  renameSync(tmp, file);
}

/** The metadata beside a trace, or null when it has none (e.g. a synthetic or recorded trace). */
export function readMeta(tracePath: string): TraceMeta | null {
  const file = metaPath(tracePath);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as TraceMeta) : null;
}

/** Token indices at which a new segment starts (never 0): consecutive-token statistics skip them. */
export function segmentStarts(meta: TraceMeta | null): Set<number> {
  return new Set((meta?.segments ?? []).map((s) => s.start).filter((s) => s > 0));
}
