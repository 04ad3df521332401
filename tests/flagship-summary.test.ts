// The published-comparison summary on a small stored result set built here: tok/s intervals
// and their per-layer and full-model forms, the paired verdict, and the mechanism figures
// derived from the engine's counters and the run environment.
import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { predictedChanges } from "../harness/flagship/paper-machine.ts";
import { warmupTokS } from "../harness/compare/warmup-metric.ts";
import { findRelatedSet, summaryOfDir } from "../harness/flagship/summary-of-dir.ts";
import { relatedSection } from "../harness/report/related-section.ts";
import type { StoredPredictions } from "../harness/theory/predict-plan.ts";
import { parsePublished } from "../harness/experiment/published.ts";
import type { Comparison } from "../harness/experiment/schema.ts";
import type { RunRecord } from "../harness/results/run-record.ts";
import { publishedSummary } from "../harness/flagship/published-summary.ts";
import { variantFigures } from "../harness/flagship/variant-figures.ts";

const L = 4;
const RECORD = 3_932_160;

/** One ok run: `tokS` after warm-up; 100 tokens of 16 requests; byte sources as given. */
function record(variant: string, repeat: number, tokS: number, o: { appHits: number; pageCacheRecords: number; deviceRecords: number; diskBytes: number; waitS: number; direct: string; policy: string }): RunRecord {
  const requests = 1600;
  const reads = requests - o.appHits;
  return {
    schema: 1, experiment: "lru-vs-nocache", status: "ok", startedAt: "", finishedAt: "",
    run: { id: `${variant}#${repeat}`, index: 0, count: 10, variant, repeat: repeat - 1, specHash: "x" },
    context: { git: { revision: null, dirty: null }, engineAbi: 1, bun: "", machine: {} as RunRecord["context"]["machine"] },
    spec: {
      variant, config: variant, label: variant, repeat, point: {},
      model: { layers: L, presetLayers: 60 },
      engine: { "io.direct": o.direct, "io.fadvise": "normal", "cache.policy": o.policy, "dense.passes": 0.5, "exec.mode": "serial" },
    },
    engine: {},
    samples: {
      tokenTimesS: [], layerStats: { names: [], rows: [] }, outputHash: null, config: null,
      stats: {
        tokens: 100, requests, app_hits: o.appHits, read_bytes: reads * RECORD, page_cache_bytes: o.pageCacheRecords * RECORD,
        device_bytes: o.deviceRecords * RECORD, copy_s: 0.5, run_wall_s: 20, wait_wall_s: o.waitS,
        prefetch_issued: o.policy === "none" ? 40 : 0, prefetch_useful: o.policy === "none" ? 30 : 0,
        prefetch_read_bytes: o.policy === "none" ? 40 * RECORD : 0, prefetch_wasted_bytes: o.policy === "none" ? 10 * RECORD : 0,
      },
    },
    derived: { tokS } as RunRecord["derived"],
    environment: {
      counters: { process: { deviceReadBytes: o.diskBytes }, vmstat: { pgscan_kswapd: 10, pgscan_direct: 5, pgsteal_kswapd: 8, pgsteal_direct: 2, workingset_refault_file: 3 } },
      budget: { limitHits: 1 },
      noise: { noisy: repeat === 1 },
    } as unknown as RunRecord["environment"],
  };
}

const lru = { appHits: 800, pageCacheRecords: 0, deviceRecords: 800, diskBytes: 800 * RECORD, waitS: 8, direct: "first-touch", policy: "lru" };
const none = { appHits: 0, pageCacheRecords: 1200, deviceRecords: 400, diskBytes: 600 * RECORD, waitS: 9, direct: "off", policy: "none" };
const LRU_TOKS = [4.0, 4.2, 3.9, 4.1, 4.0];
const TRUST_CHANGE = [1.35, 1.4, 1.38, 1.36, 1.41];   // b / a per repeat
const records = [1, 2, 3, 4, 5].flatMap((i) => [
  record("lru-9.8GB+first-touch", i, LRU_TOKS[i - 1]!, lru),
  record("trust-os", i, LRU_TOKS[i - 1]! * TRUST_CHANGE[i - 1]!, none),
]);
const compare: Comparison[] = [{ a: "lru-9.8GB+first-touch", b: "trust-os", metric: "tok_s", published: parsePublished("+38% (+32%..+40%)"), source: "paper" }];

test("figures per variant: intervals, per-layer and full-model tok/s, byte sources, amplification", () => {
  const [a, b] = variantFigures(records);
  expect(a!.variant).toBe("lru-9.8GB+first-touch");
  expect(a!.tokS.mean).toBeCloseTo(4.04, 10);
  expect(a!.tokS.low!).toBeLessThan(4.04);
  expect(a!.tokS.high!).toBeGreaterThan(4.04);
  expect(a!.layerMs.mean).toBeCloseTo(1000 / (4.04 * L), 10);
  expect(a!.layerMs.low!).toBeCloseTo(1000 / (a!.tokS.high! * L), 10);   // the interval flips with 1/x
  expect(a!.fullModelTokS.mean).toBeCloseTo((4.04 * L) / 60, 10);
  expect(a!.appHitRate).toBe(0.5);
  expect(b!.appHitRate).toBe(0);
  expect(b!.pageCacheHitRate).toBe(0.75);                                 // 1200 of 1600 records read
  expect(b!.deviceMBPerToken).toBeCloseTo((400 * RECORD) / 100 / 1e6, 10);
  expect(b!.readAmplification).toBeCloseTo(1.5, 10);                      // 600 records from disk for 400
  expect(a!.readAmplification).toBeCloseTo(1, 10);
  expect(b!.waitShare).toBeCloseTo(0.45, 10);
  expect(b!.copyMsPerToken).toBeCloseTo(5, 10);                           // 0.5 s over 100 tokens
  expect(b!.reclaim).toEqual({ scanned: 75, stolen: 50, refaults: 15, limitHits: 5 });
  expect(b!.noisy).toBe(1);
  expect(a!.prefetch).toBeNull();
  expect(b!.prefetch!.useful / b!.prefetch!.issued).toBe(0.75);
  expect(b!.prefetch!.wastedMBPerToken).toBeCloseTo((10 * RECORD) / 100 / 1e6, 10);
});

test("the summary prints the paired change, the published range and the verdict by DESIGN §6", () => {
  const text = publishedSummary({ experiment: "lru-vs-nocache", records, compare, ioCeilingTokS: new Map([["trust-os", 11.2]]) }).join("\n");
  expect(text).toMatch(/trust-os vs lru-9\.8GB\+first-touch: \+3[78]\.\d % \(95 % CI \+3\d\.\d % to \+4\d\.\d %\), 5 pairs; published \+38% \(\+32%\.\.\+40%\); verdict: reproduced/);
  const trust = text.split("\n").find((l) => l.startsWith("trust-os "))!;
  expect(trust).toContain(`11.20 (${((100 * LRU_TOKS.reduce((t, x, i) => t + x * TRUST_CHANGE[i]!, 0)) / 5 / 11.2).toFixed(1)} %)`);
  expect(trust).toContain("off / normal / 0.5 / serial");
  expect(text).toContain("trust-os waits on expert I/O for 45.0 % of its time at dense.passes 0.5: inside the 43 %–53 % target");
  expect(text).toContain("trust-os page-cache hit rate 75.0 % beside the paper's 71 %");
  expect(text).toContain("Noise: 2 of 10 runs flagged noisy");
  expect(text).toContain(`trust-os prefetch: ${((200 * RECORD) / 500 / 1e6).toFixed(2)} MB per token read ahead, ${((50 * RECORD) / 500 / 1e6).toFixed(2)} MB of it never used; 150 of 200 prefetches useful (75.0 %)`);
  expect(text).toContain("memory compressor");
});

test("a verdict on too wide an interval is inconclusive, and a wait share off target is called out", () => {
  const wide = [1, 2, 3, 4, 5].flatMap((i) => [
    record("lru-9.8GB+first-touch", i, 4, lru),
    record("trust-os", i, 4 * [0.7, 1.9, 1.1, 1.6, 0.9][i - 1]!, { ...none, waitS: 4 }),
  ]);
  const text = publishedSummary({ experiment: "lru-vs-nocache", records: wide, compare }).join("\n");
  expect(text).toContain("verdict: inconclusive");
  expect(text).toContain("20.0 % of its time at dense.passes 0.5: OUTSIDE the 43 %–53 % target");
});

/** A stored result set: runs.jsonl and sweep.json with the comparisons. */
function storeSet(dir: string, experiment: string, recs: RunRecord[], cmp: Comparison[]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "runs.jsonl"), recs.map((r) => JSON.stringify({ ...r, experiment, startedAt: "2026-11-29T23:46:00.000Z", derived: { steady: { plateaued: true }, stageWallMsPerToken: {}, p50TokenMs: 1, p90TokenMs: 1, p99TokenMs: 1, appHitRate: 0, routedBytesPerToken: 0, ...r.derived } })).join("\n") + "\n");
  writeFileSync(join(dir, "sweep.json"), JSON.stringify({ schema: 1, experiment, createdAt: "", specHashes: [], compare: cmp }));
}

test("the flagship's summary quotes its secondary file's comparisons: a published sibling, else the newest set", () => {
  const root = mkdtempSync(join(tmpdir(), "tb-related-"));
  try {
    const flagship = join(root, "lru-vs-nocache", "20261129T000000Z");
    storeSet(flagship, "lru-vs-nocache", records, compare);
    expect(summaryOfDir(flagship, root, null).join("\n")).toContain("not measured yet; `bun run experiment lru-vs-nocache-more.yaml` measures it");

    // passes-1 rows: trust-os 10 % slower in every pair
    const more = [1, 2, 3, 4, 5].flatMap((i) => [record("lru.passes-1", i, 4, lru), record("trust-os.passes-1", i, 3.6, none)]);
    const cmp: Comparison[] = [{ ...compare[0]!, a: "lru.passes-1", b: "trust-os.passes-1" }];
    storeSet(join(root, "lru-vs-nocache-more", "20261129T010000Z"), "lru-vs-nocache-more", more, cmp);
    storeSet(join(root, "lru-vs-nocache-more", "20261128T010000Z"), "lru-vs-nocache-more", [], cmp);   // older: not chosen
    const text = summaryOfDir(flagship, root).join("\n");
    expect(text).toContain("result set ../../lru-vs-nocache-more/20261129T010000Z started 2026-11-29 23:46 UTC");
    expect(text).toMatch(/trust-os\.passes-1 vs lru\.passes-1: −10\.0 % \[−10\.0 %, −10\.0 %\], 5 pairs, verdict opposite/);
    writeFileSync(join(root, "lru-vs-nocache-more", "20261129T010000Z", "report.md"), "# lru-vs-nocache-more\n");
    expect(relatedSection("lru-vs-nocache", flagship, root, null).join("\n"))
      .toContain("result set `../../lru-vs-nocache-more/20261129T010000Z`, [report](../../lru-vs-nocache-more/20261129T010000Z/report.md).");

    // a published collection: the sibling folder of that name wins over the results root
    const published = join(root, "published");
    storeSet(join(published, "lru-vs-nocache"), "lru-vs-nocache", records, compare);
    storeSet(join(published, "lru-vs-nocache-more"), "lru-vs-nocache-more", more.map((r) => (r.run.variant === "trust-os.passes-1" ? ({ ...r, derived: { ...r.derived, tokS: 4.4 } } as RunRecord) : r)), cmp);
    expect(findRelatedSet("lru-vs-nocache-more", join(published, "lru-vs-nocache"), root)).toEqual({ dir: join(published, "lru-vs-nocache-more"), published: false });
    expect(summaryOfDir(join(published, "lru-vs-nocache"), root).join("\n")).toContain("trust-os.passes-1 vs lru.passes-1: +10.0 %");

    // nothing measured here: the collection published with the repository, labelled as measured elsewhere
    const fresh = join(root, "fresh", "lru-vs-nocache", "20261130T000000Z");
    storeSet(fresh, "lru-vs-nocache", records, compare);
    expect(findRelatedSet("lru-vs-nocache-more", fresh, join(root, "fresh"), published)).toEqual({ dir: join(published, "lru-vs-nocache-more"), published: true });
    const shipped = summaryOfDir(fresh, join(root, "fresh"), published).join("\n");
    expect(shipped).toContain("the published result set ../../../published/lru-vs-nocache-more");
    expect(shipped).toContain("(measured on the machine its README describes, not on this one; `bun run experiment lru-vs-nocache-more.yaml` measures it here)");
    expect(relatedSection("lru-vs-nocache", fresh, join(root, "fresh"), published).join("\n")).toContain("not on this one");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the paper-machine what-if states each comparison's predicted change beside the published figure", () => {
  const stored = { predictions: [{ config: "lru-9.8GB+first-touch", tokS: 5.0 }, { config: "trust-os", tokS: 5.5 }] } as unknown as StoredPredictions;
  expect(predictedChanges(stored, compare)).toEqual(["trust-os vs lru-9.8GB+first-touch: +10.0 % predicted; published +38% (+32%..+40%)"]);
  const missing = { predictions: [{ config: "trust-os", tokS: 5.5 }] } as unknown as StoredPredictions;
  expect(predictedChanges(missing, compare)[0]).toContain("no prediction");
});

test("the warm-up regime is shown beside the verdict, paired by repeat, and not judged", () => {
  // 10 tokens of which 5 warm-up: trust-os 30 % faster while filling, 10 % slower after
  const withTimes = (r: RunRecord, warm: number, steady: number) =>
    ({ ...r, samples: { ...r.samples, tokenTimesS: [1, warm, warm, warm, warm, steady, steady, steady, steady, steady] }, derived: { ...r.derived, tokens: 10, measuredTokens: 5 } }) as RunRecord;
  const recs = [1, 2, 3, 4, 5].flatMap((i) => [
    withTimes(record("lru-9.8GB+first-touch", i, 4, lru), 0.13, 0.25),
    withTimes(record("trust-os", i, 3.6, none), 0.1, 0.275),
  ]);
  const text = publishedSummary({ experiment: "lru-vs-nocache", records: recs, compare }).join("\n");
  expect(text).toContain("verdict: opposite");
  expect(text).toContain("verdict: opposite (the interval [−10.0 %, −10.0 %] lies wholly on the other side of zero from the published +38% (+32%..+40%))\n  while the caches fill (warm-up tokens 2–5): +30.0 % (95 % CI +30.0 % to +30.0 %), 5 pairs; not judged");
  expect(warmupTokS(recs[0]!)).toBeCloseTo(1 / 0.13, 10);   // the first token left out
});
