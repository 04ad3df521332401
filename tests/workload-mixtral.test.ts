// The Mixtral-8x7B vLLM traces in ../shared/traces/mixtral8x7b (read in place, never copied):
// they convert with the documented shape and gaps, and their statistics obey LRU's identities.
// Fails, naming the missing folder, when the shared traces are not beside the repository.

import { describe, expect, test } from "bun:test";
import { convertJsonl } from "../harness/workload/convert-jsonl.ts";
import { sharedTrace } from "../harness/workload/shared-traces.ts";
import { segmentStarts } from "../harness/workload/trace-meta.ts";
import { traceStats } from "../harness/workload/stats/trace-stats.ts";

// Per SOURCE.md: decode tokens per problem, and a few tokens with fewer than 32 layer records.
const FILES = [
  { name: "gsm8k_2_routing.jsonl", problems: [168, 79] },
  { name: "humaneval_2_routing.jsonl", problems: [83, 255] },
];

describe("Mixtral-8x7B traces", () => {
  for (const f of FILES)
    test(`${f.name}: 32 layers, 8 experts, top-2, gaps dropped and counted`, () => {
      const { trace, meta } = convertJsonl(sharedTrace("mixtral8x7b", f.name), { gaps: "drop" });
      expect([trace.layers, trace.experts, trace.k]).toEqual([32, 8, 2]);
      expect(meta.gaps.droppedTokens).toBeGreaterThan(0);
      expect(meta.gaps.droppedTokens).toBeLessThanOrEqual(5);
      expect(meta.segments).toHaveLength(2);
      // each problem keeps its documented tokens minus the ones dropped for gaps
      expect(trace.tokens + meta.gaps.droppedTokens).toBe(f.problems[0]! + f.problems[1]!);
      meta.segments.forEach((s, i) => expect(s.tokens).toBeLessThanOrEqual(f.problems[i]!));
      expect(meta.segments[0]!.fields.dataset).toBe(f.name.split("_")[0]!);
    });

  test("LRU at 2..8 entries: never falls with capacity; at 8 = all experts only compulsory misses remain", () => {
    const { trace, meta } = convertJsonl(sharedTrace("mixtral8x7b", "humaneval_2_routing.jsonl"), { gaps: "drop" });
    const s = traceStats(trace, { capacities: [2, 3, 4, 5, 6, 7, 8], windows: [8], warmupTokens: 0, segmentStarts: segmentStarts(meta) });
    for (const l of s.layers) {
      for (let i = 1; i < 7; i++) expect(l.lruHitRate[i]!).toBeGreaterThanOrEqual(l.lruHitRate[i - 1]!);
      const requests = trace.tokens * trace.k;
      expect(l.lruHitRate[6]).toBeCloseTo(1 - l.distinctAll / requests, 12);
      expect(l.overlap).toBeGreaterThan(0);
    }
  });
});
