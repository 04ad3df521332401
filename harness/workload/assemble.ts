// Routing rows (one per token and layer, from any text format) → a Trace plus its metadata,
// applying the gap rule for tokens that miss some layers. Shared by the JSONL and CSV converters.

import type { Trace } from "./trace-file.ts";
import { TraceError } from "./trace-error.ts";
import type { TraceMeta, MetaValue } from "./trace-meta.ts";

/** One (token, layer) decision as read from a file. */
export interface RoutingRow {
  line: number; // 1-based line in the source file
  segment: string; // sequence / prompt the token belongs to ("" when the file has one)
  token: number; // token index within its segment
  layer: number;
  experts: number[]; // in routing order
  weights: number[] | null; // gate weights, same length as experts
  extra: Record<string, MetaValue>; // every other field, kept as metadata
}

/** What happens to a token that lacks some layers:
 *  drop  — the token is left out (default: no routing is invented);
 *  fill  — a missing layer repeats that layer of the segment's previous kept token
 *          (a token with no earlier token to copy from is dropped);
 *  error — the conversion stops, naming the token. */
export type GapRule = "drop" | "fill" | "error";
export const GAP_RULES: readonly GapRule[] = ["drop", "fill", "error"];

export interface AssembleOptions {
  file: string;
  gaps: GapRule;
  layers?: number; // expected layers; default: highest layer seen + 1
  experts: number; // experts per layer (ids must be below)
  source: string; // format name for the metadata
}

export interface Assembled {
  trace: Trace;
  meta: TraceMeta;
}

function checkRow(r: RoutingRow, o: AssembleOptions, k: number, kLine: number, weighted: boolean, wLine: number): void {
  const fail = (msg: string) => { throw new TraceError(o.file, r.line, msg); };
  if (r.experts.length !== k)
    fail(`${r.experts.length} experts, but line ${kLine} has ${k}; every row needs the same K`);
  if ((r.weights !== null) !== weighted)
    fail(`${weighted ? "no" : "has"} gate weights, unlike line ${wLine}; give weights on every row or on none`);
  r.experts.forEach((e, j) => {
    if (e < 0 || e >= o.experts) fail(`expert id ${e} outside 0..${o.experts - 1} (experts per layer: ${o.experts})`);
    if (r.experts.indexOf(e) !== j) fail(`expert ${e} listed twice`);
  });
  if (r.weights) {
    if (r.weights.length !== k) fail(`${r.weights.length} gate weights for ${k} experts`);
    if (r.weights.some((w) => !(w >= 0) || !Number.isFinite(w))) fail("gate weights must be finite numbers >= 0");
  }
}

/** Per metadata column: one value per segment, per token, or per (token, layer) row —
 *  the coarsest that loses nothing. */
function keepMetadata(rows: RoutingRow[][], segmentOf: number[], meta: TraceMeta): void {
  const names = new Set<string>();
  for (const tok of rows) for (const r of tok) for (const n of Object.keys(r.extra)) names.add(n);
  for (const name of names) {
    const perRow = rows.map((tok) => tok.map((r) => r.extra[name] ?? null));
    const perToken = perRow.map((vals) => (vals.every((v) => v === vals[0]) ? vals[0]! : undefined));
    if (perToken.some((v) => v === undefined)) { meta.columns[name] = { per: "row", values: perRow }; continue; }
    const perSegment = new Map<number, MetaValue>();
    let constant = true;
    perToken.forEach((v, t) => {
      const s = segmentOf[t]!;
      if (!perSegment.has(s)) perSegment.set(s, v!);
      else if (perSegment.get(s) !== v) constant = false;
    });
    if (constant) for (const [s, v] of perSegment) meta.segments[s]!.fields[name] = v;
    else meta.columns[name] = { per: "token", values: perToken as MetaValue[] };
  }
}

export function assemble(rows: RoutingRow[], o: AssembleOptions): Assembled {
  if (rows.length === 0) throw new TraceError(o.file, null, "no routing rows found");
  const first = rows[0]!;
  const k = first.experts.length;
  const weighted = first.weights !== null;
  const maxLayer = rows.reduce((m, r) => Math.max(m, r.layer), 0);
  const layers = o.layers ?? maxLayer + 1;
  // segment → token index → layer → row, in order of first appearance
  const bySegment = new Map<string, Map<number, (RoutingRow | undefined)[]>>();
  for (const r of rows) {
    checkRow(r, o, k, first.line, weighted, first.line);
    if (r.layer >= layers)
      throw new TraceError(o.file, r.line, `layer ${r.layer} outside 0..${layers - 1} (the trace has ${layers} layers)`);
    let tokens = bySegment.get(r.segment);
    if (!tokens) bySegment.set(r.segment, (tokens = new Map()));
    let slots = tokens.get(r.token);
    if (!slots) tokens.set(r.token, (slots = new Array(layers)));
    const dup = slots[r.layer];
    if (dup)
      throw new TraceError(o.file, r.line, `token ${r.token}${r.segment ? ` of segment "${r.segment}"` : ""}, layer ${r.layer} ` +
        `already given on line ${dup.line}`);
    slots[r.layer] = r;
  }

  const meta: TraceMeta = {
    format: "tierbench-trace-meta", version: 1, source: { file: o.file, format: o.source },
    gaps: { rule: o.gaps, incompleteTokens: 0, droppedTokens: 0, filledRecords: 0, missingTokenIndices: 0 },
    segments: [], columns: {},
  };
  const kept: RoutingRow[][] = [];
  const segmentOf: number[] = [];
  for (const [segment, tokens] of bySegment) {
    const order = [...tokens.keys()].sort((a, b) => a - b);
    // token indices never seen at all (e.g. 0, 1, 3): counted, they cannot be recovered
    meta.gaps.missingTokenIndices += order.length ? order.at(-1)! - order[0]! + 1 - order.length : 0;
    const start = kept.length;
    let previous: RoutingRow[] | null = null;
    for (const token of order) {
      const slots = tokens.get(token)!;
      const missing = [...slots.keys()].filter((l) => !slots[l]);
      if (missing.length > 0) {
        meta.gaps.incompleteTokens++;
        const firstRow = slots.find((r) => r)!;
        if (o.gaps === "error")
          throw new TraceError(o.file, firstRow.line, `token ${token}${segment ? ` of segment "${segment}"` : ""} has no routing for ` +
            `layer${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; use --gaps drop or --gaps fill to convert anyway`);
        if (o.gaps === "drop" || !previous) { meta.gaps.droppedTokens++; continue; }
        for (const l of missing) slots[l] = { ...previous[l]!, line: firstRow.line, token, extra: firstRow.extra };
        meta.gaps.filledRecords += missing.length;
      }
      previous = slots as RoutingRow[];
      kept.push(previous);
      segmentOf.push(meta.segments.length);
    }
    meta.segments.push({ name: segment, start, tokens: kept.length - start, fields: {} });
  }
  if (kept.length === 0)
    throw new TraceError(o.file, null, `no complete token: every token misses some of the ${layers} layers`);

  const n = kept.length * layers * k;
  const ids = new Int32Array(n);
  const weights = weighted ? new Float32Array(n) : null;
  kept.forEach((slots, t) => slots.forEach((r, l) => {
    const base = (t * layers + l) * k;
    ids.set(r.experts, base);
    if (weights && r.weights) {
      const sum = r.weights.reduce((a, b) => a + b, 0);
      // renormalised to sum to 1 (the format's rule); all-zero weights become 1/k each
      r.weights.forEach((w, j) => { weights[base + j] = sum > 0 ? w / sum : 1 / k; });
    }
  }));
  keepMetadata(kept, segmentOf, meta);
  return { trace: { layers, experts: o.experts, k, tokens: kept.length, ids, weights }, meta };
}
