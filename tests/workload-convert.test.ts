// Trace converters on hand-made fixtures: JSONL and CSV into the binary format, the gap rule
// (drop / fill / error, counted), metadata kept, and a byte-exact round trip of the binary file.

import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertJsonl } from "../harness/workload/convert-jsonl.ts";
import { convertCsv } from "../harness/workload/convert-csv.ts";
import { encodeTrace, readTrace, writeTrace } from "../harness/workload/trace-file.ts";
import { readMeta, writeMeta } from "../harness/workload/trace-meta.ts";

const FIXTURES = join(import.meta.dir, "fixtures", "traces");
const jsonl = join(FIXTURES, "tiny.jsonl");
const csv = join(FIXTURES, "tiny.csv");

describe("JSONL", () => {
  test("rows become tokens × layers × K in segment and token order; a gappy token is dropped", () => {
    const { trace, meta } = convertJsonl(jsonl, { gaps: "drop" });
    expect([trace.tokens, trace.layers, trace.experts, trace.k]).toEqual([4, 2, 4, 2]);
    // problem 0 tokens 0..2, then problem 1 token 0; problem 1 token 1 lacks layer 1
    expect([...trace.ids]).toEqual([0, 1, 3, 2, 1, 2, 3, 0, 0, 1, 2, 3, 2, 3, 0, 1]);
    expect(meta.gaps).toEqual({ rule: "drop", incompleteTokens: 1, droppedTokens: 1, filledRecords: 0, missingTokenIndices: 0 });
    expect(meta.segments.map((s) => [s.name, s.start, s.tokens])).toEqual([["0", 0, 3], ["1", 3, 1]]);
    expect(meta.segments[0]!.fields).toEqual({ dataset: "toy" });
  });

  test("gate weights are renormalised to sum to 1", () => {
    const { trace } = convertJsonl(jsonl, { gaps: "drop" });
    // token 2 layer 0 has gating_probs [3, 1]
    expect(trace.weights![8]).toBeCloseTo(0.75, 6);
    expect(trace.weights![9]).toBeCloseTo(0.25, 6);
  });

  test("fill copies the missing layer from the previous token of the segment", () => {
    const { trace, meta } = convertJsonl(jsonl, { gaps: "fill" });
    expect(trace.tokens).toBe(5);
    expect([...trace.ids.subarray(16)]).toEqual([3, 1, 0, 1]); // layer 1 copied from problem 1 token 0
    expect(meta.gaps.filledRecords).toBe(1);
    expect(meta.gaps.droppedTokens).toBe(0);
  });

  test("error names the line of the incomplete token and the missing layer", () => {
    expect(() => convertJsonl(jsonl, { gaps: "error" })).toThrow(
      `${jsonl}:8: token 1 of segment "1" has no routing for layer 1; use --gaps drop or --gaps fill to convert anyway`);
  });

  test("a declared expert count above the largest id seen is kept", () => {
    expect(convertJsonl(jsonl, { gaps: "drop", experts: 8 }).trace.experts).toBe(8);
  });
});

describe("CSV", () => {
  test("expert and weight columns are found by name; comments skipped; metadata kept", () => {
    const { trace, meta } = convertCsv(csv, { gaps: "drop" });
    expect([trace.tokens, trace.layers, trace.experts, trace.k]).toEqual([3, 2, 4, 2]);
    expect([...trace.ids]).toEqual([0, 1, 3, 2, 1, 2, 3, 0, 2, 3, 0, 1]);
    expect(trace.weights![6]).toBeCloseTo(0.9, 6);
    expect(meta.segments.map((s) => [s.name, s.tokens])).toEqual([["a", 2], ["b", 1]]);
    // "note" differs between tokens of segment a: kept per token; constant in b
    expect(meta.columns.note).toEqual({ per: "token", values: ["start", "mid", "x,y"] });
  });

  test("a single list column of expert ids works as well as numbered columns", () => {
    const dir = mkdtempSync(join(tmpdir(), "tb-csv-"));
    const file = join(dir, "list.csv");
    writeFileSync(file, "token_idx,layer,experts\n0,0,\"5 1\"\n0,1,2;3\n1,0,1|5\n1,1,\"3,2\"\n");
    const { trace } = convertCsv(file, { gaps: "error" });
    expect([...trace.ids]).toEqual([5, 1, 2, 3, 1, 5, 3, 2]);
    expect(trace.weights).toBeNull();
  });
});

describe("binary format", () => {
  test("write → read gives the same trace, and the header matches routing.h", () => {
    const { trace, meta } = convertJsonl(jsonl, { gaps: "drop" });
    const file = join(mkdtempSync(join(tmpdir(), "tb-trace-")), "t.tbtrace");
    writeTrace(file, trace);
    writeMeta(file, meta);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8).toString("latin1")).toBe("TBTRACE\0");
    const header = [8, 12, 16, 20, 24, 28].map((o) => bytes.readUInt32LE(o)); // version layers experts k tokens flags
    expect(header).toEqual([1, 2, 4, 2, 4, 1]);
    expect(bytes.length).toBe(64 + 16 * 4 * 2);
    const back = readTrace(file);
    expect(back).toEqual(trace);
    expect(Buffer.from(encodeTrace(back)).equals(bytes)).toBe(true);
    expect(readMeta(file)).toEqual(meta);
  });
});
