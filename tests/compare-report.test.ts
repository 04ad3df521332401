// A result set's comparison in report.md: the measured change with its interval, the published
// claim, the verdict and its rule, and both sides' decompositions with the parts that moved.

import { expect, test } from "bun:test";
import { parsePublished } from "../harness/experiment/published.ts";
import { bottleneckSections } from "../harness/theory/bottleneck-sections.ts";
import type { RunRecord } from "../harness/results/run-record.ts";
import { profileOf, syntheticRecord } from "./theory-fixtures.ts";

const REC = 4e6;
const profile = profileOf({ recordBytes: REC, device: { 1: 2, 4: 2 }, pageCache: { 1: 10, 4: 10 } });

/** lru waits 37 ms for 64 MB of device bytes; none waits 17 ms, half its bytes from the page cache. */
function records(): RunRecord[] {
  const out: RunRecord[] = [];
  for (let repeat = 1; repeat <= 5; repeat++) {
    const wobble = 1 + 0.002 * (repeat - 3);
    const lru = syntheticRecord({ variant: "lru", layers: 4, k: 4, recordBytes: REC, wallMs: { wait: 37, dense: 10, expert: 7 }, bytes: { device: 64e6 }, tokS: 1e3 / 54 * wobble });
    const none = syntheticRecord({ variant: "none", layers: 4, k: 4, recordBytes: REC, wallMs: { wait: 17, dense: 10, expert: 7 }, bytes: { device: 32e6, pageCache: 32e6 }, tokS: 1e3 / 34 * wobble });
    for (const r of [lru, none]) {
      (r.spec as { repeat: number }).repeat = repeat;
      r.run.repeat = repeat - 1;
      out.push(r);
    }
  }
  return out;
}

test("the comparison says what was measured, the verdict, and which parts moved", () => {
  const md = bottleneckSections({
    records: records(), profile,
    compare: [{ a: "lru", b: "none", metric: "tok_s", published: parsePublished("+38% (+32%..+40%)"), source: "the paper" }],
  }).join("\n");
  // 54 / 34 − 1 = +58.8 %, the same in every pair: a zero-width interval above +50 %.
  expect(md).toContain("Measured change of none relative to lru: +58.8 % (95 % interval +58.8 % to +58.8 %) over 5 paired repeats.");
  expect(md).toContain("Verdict: **same direction**");
  expect(md).toContain("| observed | 54.000 | 34.000 | −20.000 |");
  // none: half its reads from the page cache halve the device time (32 → 16 ms); with 4 reads in
  // flight a copy only shows when no device read hides it (1/16 of layers: 0.4 ms per token).
  expect(md).toContain("| page-cache copies | 0.000 | 0.400 | +0.400 |");
  expect(md).toContain("none takes 20.000 ms per token less than lru, mostly in device I/O at ceiling speed (−16.000 ms) and I/O inefficiency (−4.400 ms).");
});

test("ceilings and verdicts are listed per configuration", () => {
  const md = bottleneckSections({ records: records(), profile, compare: [] }).join("\n");
  expect(md).toContain("## Ceilings");
  // (2): 32 ms per token of reads → 31.25 tok/s; serial: 32 + the run's own 17 ms of compute.
  expect(md).toContain("- lru: device I/O at ceiling speed is the largest part, 59 % of 54.000 ms per token; it runs at 59 % of the I/O ceiling at its hit rates and 91 % of the serial bound.");
  expect(md).not.toContain("## Comparisons");
});

test("the comparison also shows the warm-up regime, paired and not judged", () => {
  // 6 tokens, 3 of them warm-up: none is twice as fast as lru while the caches fill
  const recs = records().map((r) => ({
    ...r,
    samples: { ...r.samples, tokenTimesS: r.run.variant === "none" ? [1, 0.05, 0.05, 0.034, 0.034, 0.034] : [1, 0.1, 0.1, 0.054, 0.054, 0.054] },
    derived: { ...r.derived!, tokens: 6, measuredTokens: 3 },
  }) as RunRecord);
  const md = bottleneckSections({
    records: recs, profile,
    compare: [{ a: "lru", b: "none", metric: "tok_s", published: parsePublished("+38% (+32%..+40%)"), source: "the paper" }],
  }).join("\n");
  expect(md).toContain("- While the caches fill (warm-up tokens 2–3, not judged): +100.0 % (95 % interval +100.0 % to +100.0 %) over 5 paired repeats.");
});
