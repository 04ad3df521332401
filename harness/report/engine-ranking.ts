// The report's I/O engine ranking: every configuration (engine, reads in flight, direct, fadvise)
// by median tok/s over its repeats, with read bandwidth and read amplification (device bytes the
// OS fetched per byte asked for). Pure: records in, markdown lines out.

import type { RunRecord } from "../results/run-record.ts";
import { median } from "../results/summary-stats.ts";

export interface EngineRank {
  config: string;               // the configuration id (variant and sweep point)
  engine: string;
  inFlight: number | null;      // io.threads, or io.queue_depth for ring engines; null: reads nothing
  direct: string;
  fadvise: string;
  runs: number;                 // ok runs
  failed: number;
  tokS: number | null;          // medians over the ok runs
  minTokS: number | null;
  maxTokS: number | null;
  readGbps: number | null;
  readAmplification: number | null;
}

const RING_ENGINES = new Set(["io_uring"]);
const med = (xs: (number | null | undefined)[]) => {
  const v = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return v.length ? median(v) : null;
};
const configOf = (r: RunRecord) => (r.spec as { config?: string } | null)?.config ?? r.run.variant;

/** One row per configuration, fastest first; configurations without an ok run last. */
export function rankEngines(records: readonly RunRecord[]): EngineRank[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) groups.set(configOf(r), [...(groups.get(configOf(r)) ?? []), r]);
  const rows: EngineRank[] = [];
  for (const [config, rs] of groups) {
    const e = rs[0]!.engine;
    const engine = String(e["io.engine"] ?? "pread");
    const ok = rs.filter((r) => r.status === "ok");
    const tok = ok.map((r) => r.derived?.tokS ?? null).filter((x): x is number => x !== null);
    rows.push({
      config, engine,
      inFlight: engine === "null" ? null : Number(e[RING_ENGINES.has(engine) ? "io.queue_depth" : "io.threads"] ?? NaN),
      direct: String(e["io.direct"] ?? "off"),
      fadvise: String(e["io.fadvise"] ?? "normal"),
      runs: ok.length,
      failed: rs.length - ok.length,
      tokS: med(tok),
      minTokS: tok.length ? Math.min(...tok) : null,
      maxTokS: tok.length ? Math.max(...tok) : null,
      readGbps: med(ok.map((r) => r.derived?.readGbps)),
      readAmplification: med(ok.map((r) => r.environment?.counters?.readAmplification)),
    });
  }
  return rows.sort((a, b) => (b.tokS ?? -1) - (a.tokS ?? -1) || a.config.localeCompare(b.config));
}

const num = (v: number | null, d = 2) => (v === null || !Number.isFinite(v) ? "–" : v.toFixed(d));
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;

/** The section, or nothing when the result set has fewer than two I/O engines. */
export function engineRankingSection(records: readonly RunRecord[]): string[] {
  const ranks = rankEngines(records);
  if (new Set(ranks.map((r) => r.engine)).size < 2) return [];
  const moving = ranks.filter((r) => r.engine !== "null" && r.tokS !== null);
  const best = moving[0]?.tokS ?? null;
  const out = ["## I/O engines ranked", ""];
  out.push(row(["rank", "configuration", "engine", "in flight", "direct", "fadvise", "tok/s median [min–max]", "of the best", "read GB/s", "read amplification", "runs ok"]));
  out.push(row(Array(11).fill("---")));
  let rank = 0;
  for (const r of ranks) {
    const place = r.engine === "null" ? "baseline" : r.tokS === null ? "–" : String(++rank);
    out.push(row([
      place, r.config, r.engine, r.inFlight === null ? "–" : String(r.inFlight), r.direct, r.fadvise,
      r.tokS === null ? "–" : `${num(r.tokS)} [${num(r.minTokS)}–${num(r.maxTokS)}]`,
      r.engine === "null" || r.tokS === null || best === null ? "–" : `${((100 * r.tokS) / best).toFixed(1)} %`,
      num(r.readGbps), num(r.readAmplification), `${r.runs}/${r.runs + r.failed}`,
    ]));
  }
  out.push("", "In flight: worker threads (pread, mmap) or ring slots (io_uring, io.queue_depth). Read " +
    "amplification: bytes the OS read from the device per byte the engine asked for (readahead, " +
    "fault-around), from the run's /proc I/O counters; – where the run has none. The null engine " +
    "reads nothing: its tok/s is the harness's own ceiling, not a rank.", "");
  const amp = moving.filter((r) => r.readAmplification !== null && r.readAmplification > 1.2);
  if (amp.length) out.push(`Read amplification above 1.2: ${amp.map((r) => `${r.config} (${num(r.readAmplification)})`).join(", ")} — readahead or fault-around read bytes no expert needed.`, "");
  return out;
}
