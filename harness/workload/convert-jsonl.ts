// JSON lines → routing rows, one object per (token, layer) as in the Mixtral vLLM traces:
// {"problem_id": 0, "token_idx": 5, "layer": 3, "experts": [6, 5], "gating_probs": [0.7, 0.3], ...}.

import { readFileSync } from "node:fs";
import { assemble, type Assembled, type GapRule, type RoutingRow } from "./assemble.ts";
import { TraceError } from "./trace-error.ts";
import type { MetaValue } from "./trace-meta.ts";
import { inferExperts, intField, numberList } from "./row-fields.ts";

const REQUIRED = "each line needs layer, token_idx and experts; gating_probs and problem_id are optional";
const ROLE_FIELDS = new Set(["layer", "token_idx", "experts", "gating_probs", "problem_id"]);

export interface ConvertOptions {
  gaps: GapRule;
  layers?: number;
  experts?: number; // default: largest id seen + 1
}

function parseLine(text: string, file: string, line: number): RoutingRow {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new TraceError(file, line, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj))
    throw new TraceError(file, line, `expected a JSON object; ${REQUIRED}`);
  const o = obj as Record<string, unknown>;
  for (const f of ["layer", "token_idx", "experts"])
    if (!(f in o)) throw new TraceError(file, line, `missing "${f}" (${REQUIRED})`);
  const extra: Record<string, MetaValue> = {};
  for (const [key, v] of Object.entries(o))
    if (!ROLE_FIELDS.has(key)) extra[key] = v === null || typeof v !== "object" ? (v as MetaValue) : JSON.stringify(v);
  const segment = o.problem_id;
  if (segment !== undefined && typeof segment !== "string" && typeof segment !== "number")
    throw new TraceError(file, line, `"problem_id" must be a string or a number, got ${JSON.stringify(segment)}`);
  return {
    line,
    segment: segment === undefined ? "" : String(segment),
    token: intField(o.token_idx, "token_idx", file, line),
    layer: intField(o.layer, "layer", file, line),
    experts: numberList(o.experts, "experts", file, line, true),
    weights: o.gating_probs === undefined ? null : numberList(o.gating_probs, "gating_probs", file, line, false),
    extra,
  };
}

export function convertJsonl(file: string, opts: ConvertOptions): Assembled {
  const rows: RoutingRow[] = [];
  readFileSync(file, "utf8").split("\n").forEach((text, i) => {
    if (text.trim() !== "") rows.push(parseLine(text, file, i + 1));
  });
  return assemble(rows, { file, gaps: opts.gaps, layers: opts.layers, experts: opts.experts ?? inferExperts(rows), source: "jsonl" });
}
