// CSV → routing rows, one row per (token, layer). Columns are found by header name (expert_0,
// expert_1, … or one "experts" list column; layer; token_idx; optional weights and sequence id);
// every other column is kept as metadata. Lines starting with '#' are comments.

import { readFileSync } from "node:fs";
import { CsvError, parse } from "csv-parse/sync";
import { assemble, type Assembled, type RoutingRow } from "./assemble.ts";
import type { ConvertOptions } from "./convert-jsonl.ts";
import { TraceError } from "./trace-error.ts";
import type { MetaValue } from "./trace-meta.ts";
import { inferExperts, intField } from "./row-fields.ts";

export interface CsvOptions extends ConvertOptions {
  layerColumn?: string;
  tokenColumn?: string;
  segmentColumn?: string;
  expertColumns?: string[]; // in routing order; or one column holding a list
  weightColumns?: string[];
}

const LAYER_NAMES = ["layer", "layer_idx", "layer_id"];
const TOKEN_NAMES = ["token_idx", "token", "token_id", "position"];
const SEGMENT_NAMES = ["problem_id", "sequence_id", "sequence", "seq", "prompt_id", "request_id", "segment"];
const EXPERT_LIST_NAMES = ["experts", "expert_ids"];
const WEIGHT_LIST_NAMES = ["gating_probs", "weights", "gate_weights"];
const EXPERT_NUMBERED = /^(?:expert|experts|expert_id|exp|e|top)[_\- ]?(\d+)$/i;
const WEIGHT_NUMBERED = /^(?:weight|gate|gating_prob|prob|score|w)[_\- ]?(\d+)$/i;
const LIST_SEPARATOR = /[\s;|,]+/;

interface Layout {
  layer: number;
  token: number;
  segment: number | null;
  experts: number[]; // column indices; one index = a list column
  weights: number[] | null;
  meta: number[]; // every other column
}

function numbered(header: string[], re: RegExp): number[] {
  return header
    .map((name, i) => ({ i, m: re.exec(name.trim()) }))
    .filter((c) => c.m)
    .sort((a, b) => Number(a.m![1]) - Number(b.m![1]))
    .map((c) => c.i);
}

function layoutOf(header: string[], o: CsvOptions, file: string, line: number): Layout {
  const cols = header.map((h) => h.trim());
  const named = (name: string, what: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new TraceError(file, line, `no column "${name}" for ${what}; the header has: ${cols.join(", ")}`);
    return i;
  };
  const find = (given: string | undefined, names: string[], what: string, flag: string): number => {
    if (given) return named(given, what);
    const i = cols.findIndex((c) => names.includes(c.toLowerCase()));
    if (i < 0)
      throw new TraceError(file, line, `no ${what} column (looked for ${names.join(", ")}; name yours with ${flag}); ` +
        `the header has: ${cols.join(", ")}`);
    return i;
  };
  const layer = find(o.layerColumn, LAYER_NAMES, "layer", "--layer-column");
  const token = find(o.tokenColumn, TOKEN_NAMES, "token index", "--token-column");
  const segment = o.segmentColumn ? named(o.segmentColumn, "the sequence id")
    : (() => { const i = cols.findIndex((c) => SEGMENT_NAMES.includes(c.toLowerCase())); return i < 0 ? null : i; })();
  const listOrNumbered = (given: string[] | undefined, listNames: string[], re: RegExp, what: string) => {
    if (given) return given.map((g) => named(g, what));
    const list = cols.findIndex((c) => listNames.includes(c.toLowerCase()));
    return list >= 0 ? [list] : numbered(cols, re);
  };
  const experts = listOrNumbered(o.expertColumns, EXPERT_LIST_NAMES, EXPERT_NUMBERED, "an expert id");
  if (experts.length === 0)
    throw new TraceError(file, line, `no expert columns (looked for expert_0, expert_1, … or a list column ` +
      `${EXPERT_LIST_NAMES.join(" / ")}; name yours with --expert-columns); the header has: ${cols.join(", ")}`);
  const w = listOrNumbered(o.weightColumns, WEIGHT_LIST_NAMES, WEIGHT_NUMBERED, "a gate weight");
  const used = new Set([layer, token, ...(segment === null ? [] : [segment]), ...experts, ...w]);
  return { layer, token, segment, experts, weights: w.length ? w : null, meta: cols.map((_, i) => i).filter((i) => !used.has(i)) };
}

function list(fields: string[], idx: number[], name: string, integers: boolean, file: string, line: number): number[] {
  const raw = idx.length === 1 ? fields[idx[0]!]!.trim().split(LIST_SEPARATOR).filter((s) => s !== "") : idx.map((i) => fields[i]!.trim());
  return raw.map((s, j) => {
    const v = Number(s);
    if (s === "" || !Number.isFinite(v) || (integers && !Number.isInteger(v)))
      throw new TraceError(file, line, `${name} ${j + 1} must be ${integers ? "an integer expert id" : "a number"}, got ${JSON.stringify(s)}`);
    return v;
  });
}

function metaValue(s: string): MetaValue {
  const n = Number(s);
  return s.trim() !== "" && Number.isFinite(n) ? n : s;
}

export function convertCsv(file: string, o: CsvOptions): Assembled {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // with info: true each record comes as { record, info } (csv-parse's types do not say so)
    records = parse(readFileSync(file, "utf8"), {
      comment: "#", comment_no_infix: true, info: true, relax_column_count: true, skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (e) {
    if (e instanceof CsvError) throw new TraceError(file, (e as unknown as { lines: number }).lines, `CSV: ${e.message}`);
    throw e;
  }
  if (records.length === 0) throw new TraceError(file, null, "no header line (only comments or nothing)");
  const [head, ...body] = records;
  const header = head!.record;
  const layout = layoutOf(header, o, file, head!.info.lines);
  const rows: RoutingRow[] = body.map(({ record, info }) => {
    const line = info.lines;
    if (record.length !== header.length)
      throw new TraceError(file, line, `${record.length} fields, the header (line ${head!.info.lines}) has ${header.length}`);
    const extra: Record<string, MetaValue> = {};
    for (const i of layout.meta) extra[header[i]!.trim()] = metaValue(record[i]!);
    return {
      line,
      segment: layout.segment === null ? "" : record[layout.segment]!.trim(),
      token: intField(record[layout.token], header[layout.token]!.trim(), file, line),
      layer: intField(record[layout.layer], header[layout.layer]!.trim(), file, line),
      experts: list(record, layout.experts, "expert", true, file, line),
      weights: layout.weights ? list(record, layout.weights, "gate weight", false, file, line) : null,
      extra,
    };
  });
  return assemble(rows, { file, gaps: o.gaps, layers: o.layers, experts: o.experts ?? inferExperts(rows), source: "csv" });
}
