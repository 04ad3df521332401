// The report's I/O engine ranking: configurations ordered by median tok/s over their repeats,
// in-flight reads read from the key the engine uses, the null engine shown as a baseline and
// not ranked, read amplification above 1.2 called out; no section for a single engine.

import { expect, test } from "bun:test";
import { engineRankingSection, rankEngines } from "../harness/report/engine-ranking.ts";
import type { RunRecord } from "../harness/results/run-record.ts";

/** The fields the ranking reads, on an otherwise empty record. */
function rec(config: string, engine: Record<string, string | number>, tokS: number | null, amp: number | null = null): RunRecord {
  return {
    run: { variant: config.split("[")[0] }, spec: { config }, engine, status: tokS === null ? "failed" : "ok",
    derived: tokS === null ? null : { tokS, readGbps: tokS / 10 },
    environment: amp === null ? undefined : { counters: { readAmplification: amp } },
  } as unknown as RunRecord;
}

const records = [
  rec("pread-8[io.fadvise=normal]", { "io.engine": "pread", "io.threads": 8, "io.fadvise": "normal" }, 10, 1.9),
  rec("pread-8[io.fadvise=normal]", { "io.engine": "pread", "io.threads": 8, "io.fadvise": "normal" }, 14, 2.1),
  rec("pread-8[io.fadvise=normal]", { "io.engine": "pread", "io.threads": 8, "io.fadvise": "normal" }, 12, 2.0),
  rec("io_uring-8+direct", { "io.engine": "io_uring", "io.threads": 4, "io.queue_depth": 8, "io.direct": "on" }, 20, 1.0),
  rec("io_uring-8+direct", { "io.engine": "io_uring", "io.threads": 4, "io.queue_depth": 8, "io.direct": "on" }, 16, 1.0),
  rec("mmap-1", { "io.engine": "mmap", "io.threads": 1 }, null),
  rec("null-engine", { "io.engine": "null", "io.threads": 4 }, 400),
];

test("configurations are ranked by median tok/s, failures last", () => {
  const r = rankEngines(records);
  expect(r.map((x) => x.config)).toEqual(["null-engine", "io_uring-8+direct", "pread-8[io.fadvise=normal]", "mmap-1"]);
  expect(r[1]).toMatchObject({ engine: "io_uring", inFlight: 8, direct: "on", runs: 2, tokS: 18, minTokS: 16, maxTokS: 20, readAmplification: 1 });
  expect(r[2]).toMatchObject({ engine: "pread", inFlight: 8, fadvise: "normal", runs: 3, tokS: 12, readAmplification: 2 });
  expect(r[3]).toMatchObject({ runs: 0, failed: 1, tokS: null });
  expect(r[0]!.inFlight).toBeNull();
});

test("the section ranks moving engines against the best, the null engine as a baseline", () => {
  const md = engineRankingSection(records).join("\n");
  expect(md).toContain("## I/O engines ranked");
  expect(md).toContain("| baseline | null-engine | null | – |");
  expect(md).toContain("| 1 | io_uring-8+direct | io_uring | 8 | on | normal | 18.00 [16.00–20.00] | 100.0 % | 1.80 | 1.00 | 2/2 |");
  expect(md).toContain("| 2 | pread-8[io.fadvise=normal] | pread | 8 | off | normal | 12.00 [10.00–14.00] | 66.7 % | 1.20 | 2.00 | 3/3 |");
  expect(md).toContain("| – | mmap-1 | mmap | 1 | off | normal | – | – | – | – | 0/1 |");
  expect(md).toContain("Read amplification above 1.2: pread-8[io.fadvise=normal] (2.00)");
});

test("a result set with one engine has no ranking", () => {
  expect(engineRankingSection(records.filter((r) => r.engine["io.engine"] === "pread"))).toEqual([]);
});
