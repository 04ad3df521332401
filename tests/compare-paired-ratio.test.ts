// Paired ratios: the geometric-mean change and its 95 % interval on hand-checked numbers,
// pairing by repeat (a failed or missing run leaves its pair out), symmetry when a and b swap,
// and whole comparisons over stored runs with a sweep.

import { describe, expect, test } from "bun:test";
import { pairedRatio } from "../harness/compare/paired-ratio.ts";
import { compareRuns } from "../harness/compare/compare-runs.ts";
import { parsePublished } from "../harness/experiment/published.ts";
import type { RunRecord } from "../harness/results/run-record.ts";

const m = (xs: number[]) => new Map(xs.map((v, i) => [i + 1, v]));

describe("pairedRatio", () => {
  test("two pairs: the change is the geometric mean ratio, the interval Student-t with 1 df", () => {
    const r = pairedRatio(m([10, 10]), m([12, 15]));
    expect(r.change!).toBeCloseTo(Math.sqrt(1.2 * 1.5) - 1, 10);
    // log ratios 0.18232 and 0.40547: mean 0.29389, sd 0.15777, t(1) = 12.706, n = 2
    const half = (12.706 * (Math.abs(Math.log(1.5) - Math.log(1.2)) / Math.SQRT2)) / Math.SQRT2;
    const mid = (Math.log(1.2) + Math.log(1.5)) / 2;
    expect(r.ci!.low).toBeCloseTo(Math.exp(mid - half) - 1, 10);
    expect(r.ci!.high).toBeCloseTo(Math.exp(mid + half) - 1, 10);
  });

  test("identical ratios give a zero-width interval at that change", () => {
    const r = pairedRatio(m([4.11, 4.0, 4.2, 4.1, 4.05]), m([4.11, 4.0, 4.2, 4.1, 4.05].map((x) => x * 1.38)));
    expect(r.change!).toBeCloseTo(0.38, 12);
    expect(r.halfWidth!).toBeCloseTo(0, 12);
  });

  test("pairs follow the repeat number, not the order; unusable runs are left out", () => {
    const a = new Map([[3, 10], [1, 10], [2, 10], [4, NaN]]);
    const b = new Map([[1, 11], [2, 11], [3, 11], [4, 11], [5, 11]]);
    const r = pairedRatio(a, b);
    expect(r.pairs.map((p) => p.repeat)).toEqual([1, 2, 3]);
    expect(r.unpaired).toBe(2);
  });

  test("swapping a and b inverts the ratio and its interval", () => {
    const a = m([10, 11, 9.5, 10.4, 10.1]);
    const b = m([13, 14.2, 13.5, 13.9, 14.4]);
    const ab = pairedRatio(a, b);
    const ba = pairedRatio(b, a);
    expect(1 + ba.change!).toBeCloseTo(1 / (1 + ab.change!), 12);
    expect(1 + ba.ci!.low).toBeCloseTo(1 / (1 + ab.ci!.high), 12);
    expect(1 + ba.ci!.high).toBeCloseTo(1 / (1 + ab.ci!.low), 12);
  });
});

function run(variant: string, repeat: number, tokS: number | null, point: Record<string, unknown> = {}): RunRecord {
  const config = Object.keys(point).length ? `${variant}[${Object.entries(point).map(([k, v]) => `${k}=${v}`).join(",")}]` : variant;
  return {
    schema: 1, experiment: "t", status: tokS === null ? "failed" : "ok",
    run: { id: `${config}#${repeat}`, index: 0, count: 0, variant: config, repeat: repeat - 1, specHash: "" },
    startedAt: "", finishedAt: "",
    context: { git: { revision: null, dirty: null }, engineAbi: null, bun: "", machine: { hostname: "", os: "", cpuModel: "", cores: 2, ramBytes: 0, storage: null } },
    spec: { variant, config, point, repeat }, engine: {}, samples: null,
    derived: tokS === null ? null : ({ tokS } as RunRecord["derived"]),
  };
}

describe("compareRuns", () => {
  const c = { a: "lru", b: "none", metric: "tok_s" as const, published: parsePublished("+38% (+32%..+40%)"), source: "paper" };

  test("each sweep point is judged on its own pairs", () => {
    const records: RunRecord[] = [];
    for (let rep = 1; rep <= 5; rep++) {
      const wobble = 1 + 0.01 * (rep - 3);
      records.push(run("lru", rep, 4.11 * wobble, { "io.threads": 1 }), run("none", rep, 5.74 * wobble, { "io.threads": 1 }));
      records.push(run("lru", rep, 5 * wobble, { "io.threads": 4 }), run("none", rep, 5 * wobble * 0.8, { "io.threads": 4 }));
    }
    const [one, four] = compareRuns(records, [c]);
    expect(one!.a).toBe("lru[io.threads=1]");
    expect(one!.ratio.change!).toBeCloseTo(5.74 / 4.11 - 1, 10);
    expect(one!.verdict.verdict).toBe("reproduced");
    expect(four!.ratio.change!).toBeCloseTo(-0.2, 10);
    expect(four!.verdict.verdict).toBe("opposite");
  });

  test("a failed run leaves its repeat unpaired, and too few pairs are inconclusive", () => {
    const records = [1, 2, 3, 4, 5].flatMap((rep) => [run("lru", rep, 4.11), run("none", rep, rep === 2 ? null : 5.74)]);
    const [r] = compareRuns(records, [c]);
    expect(r!.ratio.pairs).toHaveLength(4);
    expect(r!.ratio.unpaired).toBe(1);
    expect(r!.verdict.verdict).toBe("inconclusive");
  });
});
