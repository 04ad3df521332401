// DESIGN §6's ordered verdict rules, table-tested: every rule, the order between them (a too-wide
// interval is inconclusive even when it also contains zero), the edges of each rule, sign-only
// claims and claims of a slowdown.

import { describe, expect, test } from "bun:test";
import { parsePublished } from "../harness/experiment/published.ts";
import { judge, type Verdict } from "../harness/compare/verdict-rules.ts";

const PAPER = parsePublished("+38% (+32%..+40%)");   // widened: [+22 %, +50 %]

const cases: [string, string, number, number, number, Verdict][] = [
  // why, published, low, high, pairs, verdict
  ["fewer than five pairs", "+38% (+32%..+40%)", 0.35, 0.4, 4, "inconclusive"],
  ["half-width 15 points", "+38% (+32%..+40%)", 0.1, 0.4, 5, "inconclusive"],
  ["too wide beats contains zero", "+38% (+32%..+40%)", -0.15, 0.1, 5, "inconclusive"],
  ["half-width exactly 10 points is not too wide", "+38% (+32%..+40%)", 0.3, 0.5, 5, "reproduced"],
  ["contains zero", "+38% (+32%..+40%)", -0.05, 0.05, 8, "not reproduced"],
  ["zero on the edge counts as contained", "+38% (+32%..+40%)", 0, 0.1, 5, "not reproduced"],
  ["wholly below zero against a speedup", "+38% (+32%..+40%)", -0.2, -0.1, 5, "opposite"],
  ["overlaps the published range itself", "+38% (+32%..+40%)", 0.35, 0.45, 5, "reproduced"],
  ["overlaps only the widening below", "+38% (+32%..+40%)", 0.15, 0.23, 5, "reproduced"],
  ["touches the widened top", "+38% (+32%..+40%)", 0.5, 0.58, 5, "reproduced"],
  ["above the widened range", "+38% (+32%..+40%)", 0.51, 0.6, 5, "same direction"],
  ["below the widened range", "+38% (+32%..+40%)", 0.05, 0.15, 5, "same direction"],
  ["a bare value is widened too", "+38%", 0.27, 0.29, 5, "reproduced"],
  ["a bare value, missed", "+38%", 0.1, 0.2, 5, "same direction"],
  ["sign claim on its side", "> 0%", 0.05, 0.15, 5, "reproduced"],
  ["sign claim, other side", "> 0%", -0.1, -0.02, 5, "opposite"],
  ["slowdown claim confirmed", "< 0%", -0.1, -0.02, 5, "reproduced"],
  ["published slowdown, measured speedup", "-20%", 0.05, 0.1, 5, "opposite"],
  ["published slowdown, measured larger slowdown", "-20%", -0.45, -0.35, 5, "same direction"],
];

describe("judge", () => {
  test.each(cases)("%s", (_why, published, low, high, pairs, verdict) => {
    expect(judge({ low, high }, pairs, parsePublished(published)).verdict).toBe(verdict);
  });

  test("no interval at all is inconclusive", () => {
    expect(judge(null, 1, PAPER).verdict).toBe("inconclusive");
  });

  test("the rule sentence carries the interval and the widened range", () => {
    const r = judge({ low: 0.51, high: 0.6 }, 5, PAPER);
    expect(r.rule).toContain("[+51.0 %, +60.0 %]");
    expect(r.rule).toContain("[+22.0 %, +50.0 %]");
  });
});
