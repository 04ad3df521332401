// Malformed traces: every bad input stops the conversion with a message that names the file,
// the line (or what is wrong with a binary file) and what would be valid.

import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertJsonl } from "../harness/workload/convert-jsonl.ts";
import { convertCsv } from "../harness/workload/convert-csv.ts";
import { readTrace, encodeTrace } from "../harness/workload/trace-file.ts";
import { TraceError } from "../harness/workload/trace-error.ts";

const dir = mkdtempSync(join(tmpdir(), "tb-malformed-"));
const row = (token: number, layer: number, experts: unknown, more = "") =>
  `{"token_idx": ${token}, "layer": ${layer}, "experts": ${JSON.stringify(experts)}${more}}`;

interface Case {
  name: string;
  ext: "jsonl" | "csv";
  text: string;
  line: number | null; // where the message must point
  message: string; // after "file:line: "
  parserDetail?: true; // the message continues with the JSON parser's own words (engine-specific)
  experts?: number;
  layers?: number;
}

const CASES: Case[] = [
  { name: "broken JSON", ext: "jsonl", line: 2,
    text: `${row(0, 0, [0, 1])}\n{"token_idx": 1, "layer": 0,\n`,
    message: "not valid JSON (", parserDetail: true },
  { name: "missing field", ext: "jsonl", line: 1,
    text: `{"token_idx": 0, "experts": [0, 1]}\n`,
    message: 'missing "layer" (each line needs layer, token_idx and experts; gating_probs and problem_id are optional)' },
  { name: "negative layer", ext: "jsonl", line: 1, text: `${row(0, -1, [0, 1])}\n`,
    message: '"layer" must be an integer >= 0, got -1' },
  { name: "fractional expert id", ext: "jsonl", line: 1, text: `${row(0, 0, [0, 1.5])}\n`,
    message: '"experts"[1] must be an integer expert id, got 1.5' },
  { name: "expert id out of range", ext: "jsonl", line: 2, experts: 8,
    text: `${row(0, 0, [0, 1])}\n${row(1, 0, [8, 1])}\n`,
    message: "expert id 8 outside 0..7 (experts per layer: 8)" },
  { name: "K mismatch", ext: "jsonl", line: 3,
    text: `${row(0, 0, [0, 1])}\n${row(1, 0, [2, 3])}\n${row(2, 0, [0, 1, 2])}\n`,
    message: "3 experts, but line 1 has 2; every row needs the same K" },
  { name: "expert twice in one row", ext: "jsonl", line: 1, text: `${row(0, 0, [4, 4])}\n`,
    message: "expert 4 listed twice" },
  { name: "duplicate (token, layer)", ext: "jsonl", line: 3,
    text: `${row(0, 0, [0, 1], ', "problem_id": 7')}\n${row(1, 0, [0, 1], ', "problem_id": 7')}\n${row(0, 0, [2, 3], ', "problem_id": 7')}\n`,
    message: 'token 0 of segment "7", layer 0 already given on line 1' },
  { name: "weights on some rows only", ext: "jsonl", line: 2,
    text: `${row(0, 0, [0, 1], ', "gating_probs": [0.5, 0.5]')}\n${row(1, 0, [0, 1])}\n`,
    message: "no gate weights, unlike line 1; give weights on every row or on none" },
  { name: "negative gate weight", ext: "jsonl", line: 1,
    text: `${row(0, 0, [0, 1], ', "gating_probs": [1.2, -0.2]')}\n`,
    message: "gate weights must be finite numbers >= 0" },
  { name: "layer beyond the declared layers", ext: "jsonl", line: 2, layers: 2,
    text: `${row(0, 0, [0, 1])}\n${row(0, 2, [0, 1])}\n`,
    message: "layer 2 outside 0..1 (the trace has 2 layers)" },
  { name: "every token incomplete", ext: "jsonl", line: null, layers: 2,
    text: `${row(0, 0, [0, 1])}\n${row(1, 0, [0, 1])}\n`,
    message: "no complete token: every token misses some of the 2 layers" },
  { name: "empty file", ext: "jsonl", line: null, text: "\n\n", message: "no routing rows found" },
  { name: "CSV without expert columns", ext: "csv", line: 2,
    text: "# routing\ntoken,layer,first,second\n0,0,1,2\n",
    message: "no expert columns (looked for expert_0, expert_1, … or a list column experts / expert_ids; " +
      "name yours with --expert-columns); the header has: token, layer, first, second" },
  { name: "CSV without a layer column", ext: "csv", line: 1, text: "token,expert_0\n0,1\n",
    message: "no layer column (looked for layer, layer_idx, layer_id; name yours with --layer-column); " +
      "the header has: token, expert_0" },
  { name: "CSV row with too few fields", ext: "csv", line: 4,
    text: "token,layer,expert_0,expert_1\n0,0,1,2\n# comment\n1,0,3\n",
    message: "3 fields, the header (line 1) has 4" },
  { name: "CSV empty expert cell", ext: "csv", line: 3,
    text: "token,layer,expert_0,expert_1\n0,0,1,2\n1,0,,2\n",
    message: 'expert 1 must be an integer expert id, got ""' },
  { name: "CSV unclosed quote", ext: "csv", line: 3,
    text: 'token,layer,expert_0,expert_1\n0,0,1,2\n1,0,"3,2\n',
    message: "CSV: Quote Not Closed: the parsing is finished with an opening quote at line 3" },
];

describe("malformed text traces", () => {
  CASES.forEach((c, i) => {
    test(c.name, () => {
      const file = join(dir, `case-${i}.${c.ext}`);
      writeFileSync(file, c.text);
      const convert = c.ext === "jsonl" ? convertJsonl : convertCsv;
      let error: unknown;
      try {
        convert(file, { gaps: "drop", experts: c.experts, layers: c.layers });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TraceError);
      const want = `${file}${c.line === null ? "" : `:${c.line}`}: ${c.message}`;
      if (c.parserDetail) expect((error as Error).message.startsWith(want)).toBe(true);
      else expect((error as Error).message).toBe(want);
    });
  });
});

describe("malformed binary traces", () => {
  const good = encodeTrace({ layers: 2, experts: 4, k: 2, tokens: 1, ids: Int32Array.of(0, 1, 2, 3), weights: null });
  const cases: [string, (b: Uint8Array) => Uint8Array, string][] = [
    ["short header", (b) => b.subarray(0, 40), "40 bytes is shorter than the 64-byte trace header"],
    ["wrong magic", (b) => { b.set([0x7b, 0x22], 0); return b; },
      'not a tierbench trace (magic "{\\"TRACE\\u0000", expected "TBTRACE\\0"); convert JSON lines or CSV with `bun run trace convert`'],
    ["future version", (b) => { new DataView(b.buffer).setUint32(8, 2, true); return b; },
      "trace format version 2; this build reads version 1"],
    ["truncated ids", (b) => b.subarray(0, b.length - 4),
      "76 bytes; a header of 1 tokens × 2 layers × k=2 needs exactly 80"],
    ["id out of range", (b) => { new DataView(b.buffer).setInt32(64 + 12, 9, true); return b; },
      "token 0, layer 1: expert id 9 outside 0..3"],
    ["unknown flag", (b) => { new DataView(b.buffer).setUint32(28, 4, true); return b; },
      "unknown flags 0x4 (only bit 0, gate weights, is defined)"],
    ["reserved byte set", (b) => { b[40] = 1; return b; }, "reserved header bytes 32..63 must be 0"],
  ];
  for (const [name, spoil, message] of cases)
    test(name, () => {
      const file = join(dir, `${name.replace(/ /g, "-")}.tbtrace`);
      writeFileSync(file, spoil(good.slice()));
      expect(() => readTrace(file)).toThrow(`${file}: ${message}`);
    });
});
