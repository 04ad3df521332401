// Per-variant summaries of a result set — the data every chart and table is drawn from:
// tok/s over repeats (median, min, max, 95 % CI), per-stage ms per token, and the simple I/O
// ceiling (routed expert bytes per token at the probed device bandwidth).

import type { RunRecord } from "../results/run-record.ts";
import { STAGES, type Stage } from "../results/derive-metrics.ts";
import { ci95, median } from "../results/summary-stats.ts";
import { peakDeviceReadGbps, type MachineProfile } from "../probe/machine-profile.ts";

export interface Spread {
  n: number;
  median: number;
  min: number;
  max: number;
  ci95: { low: number; high: number } | null; // of the mean; null below two values
  values: number[];
}

export interface VariantSummary {
  variant: string;
  runs: number;
  ok: number;
  failures: { runId: string; kind: string; message: string }[];
  tokS: Spread | null;                         // measured tokens after warm-up
  steadyTokS: Spread | null;                   // from each run's plateau on
  neverPlateaued: number;                      // ok runs whose steady state was not found
  p50TokenMs: number | null;                   // medians over repeats
  p99TokenMs: number | null;
  stageMsPerToken: Record<Stage, number> | null;
  appHitRate: number | null;
  routedBytesPerToken: number | null;
  recordBytes: number | null;
  ioCeilingTokS: number | null;                // null without a probed bandwidth
}

export interface ResultSummary {
  experiment: string;
  variants: VariantSummary[];
  deviceReadGbps: number | null;               // the bandwidth the ceiling uses
}

export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const ci = ci95(values);
  return {
    n: values.length,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    ci95: ci && { low: ci.low, high: ci.high },
    values: [...values],
  };
}

const medianOf = (xs: (number | null | undefined)[]) => {
  const v = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return v.length ? median(v) : null;
};

export function summarize(records: readonly RunRecord[], profile: MachineProfile | null): ResultSummary {
  const byVariant = new Map<string, RunRecord[]>();
  for (const r of records) byVariant.set(r.run.variant, [...(byVariant.get(r.run.variant) ?? []), r]);

  let bandwidthUsed: number | null = null;
  const variants = [...byVariant].map(([variant, rs]): VariantSummary => {
    const ok = rs.filter((r) => r.status === "ok" && r.derived);
    const d = ok.map((r) => r.derived!);
    const recordBytes = medianOf(ok.map((r) => r.samples?.stats.expert_record_bytes));
    const routed = medianOf(d.map((x) => x.routedBytesPerToken));
    const gbps = peakDeviceReadGbps(profile, recordBytes ?? undefined);
    if (gbps !== null) bandwidthUsed = Math.max(bandwidthUsed ?? 0, gbps);
    return {
      variant,
      runs: rs.length,
      ok: ok.length,
      failures: rs
        .filter((r) => r.status === "failed")
        .map((r) => ({ runId: r.run.id, kind: r.failure?.kind ?? "unknown", message: r.failure?.message ?? "" })),
      tokS: spread(d.flatMap((x) => (x.tokS === null ? [] : [x.tokS]))),
      steadyTokS: spread(d.flatMap((x) => (x.steady.plateaued ? [x.steady.tokS] : []))),
      neverPlateaued: d.filter((x) => !x.steady.plateaued).length,
      p50TokenMs: medianOf(d.map((x) => x.p50TokenMs)),
      p99TokenMs: medianOf(d.map((x) => x.p99TokenMs)),
      stageMsPerToken: d.length
        ? (Object.fromEntries(STAGES.map((s) => [s, medianOf(d.map((x) => x.stageWallMsPerToken[s])) ?? 0])) as Record<Stage, number>)
        : null,
      appHitRate: medianOf(d.map((x) => x.appHitRate)),
      routedBytesPerToken: routed,
      recordBytes,
      ioCeilingTokS: gbps !== null && routed ? (gbps * 1e9) / routed : null,
    };
  });
  return { experiment: records[0]?.experiment ?? "", variants, deviceReadGbps: bandwidthUsed };
}
