// Per-variant figures of a result set for the published-comparison summary: tok/s over repeats
// (scale model, per layer, full-model equivalent) and the mechanism behind them — where the
// expert bytes came from, read amplification, page-cache copy cost, reclaim and pressure. Pure.

import type { RunRecord } from "../results/run-record.ts";
import { ci95, mean } from "../results/summary-stats.ts";

export interface Interval {
  mean: number;
  low: number | null;          // 95 % interval of the mean; null below two repeats
  high: number | null;
  n: number;
}

export interface VariantFigures {
  variant: string;
  label: string;
  runs: number;
  ok: number;
  layers: number;              // L of the scale model
  presetLayers: number;        // layers of the full model
  tokS: Interval;              // scale model, tokens after warm-up
  layerMs: Interval;           // wall ms per layer (1000 / (tok/s · L))
  fullModelTokS: Interval;     // tok/s · L / presetLayers: per-layer time carried over to the full model
  settings: { direct: string; fadvise: string; policy: string; passes: number; mode: string };
  appHitRate: number;          // requests served by the application cache
  pageCacheHitRate: number;    // of the bytes read from the OS, the share already in the page cache
  deviceMBPerToken: number;    // bytes the engine read from the device, MB per token
  osDeviceMBPerToken: number | null;    // bytes the kernel read from the disk for the run, MB per token
  readAmplification: number | null;     // kernel device bytes / engine device bytes (read-ahead)
  copyMsPerToken: number;      // page-cache → buffer copy time, ms per token
  waitShare: number;           // wall time waiting on expert bytes / run wall time
  reclaim: { scanned: number; stolen: number; refaults: number; limitHits: number } | null; // pages, over runs
  pressure: { memoryS: number; ioS: number; scope: string } | null; // PSI "some" stall seconds, summed over runs
  prefetch: { issued: number; useful: number; readMBPerToken: number; wastedMBPerToken: number } | null; // over runs; null without prefetch
  noisy: number;               // runs flagged noisy
}

type Obj = Record<string, unknown>;
const num = (o: unknown, ...path: string[]): number | null => {
  let v: unknown = o;
  for (const k of path) v = v && typeof v === "object" ? (v as Obj)[k] : undefined;
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function interval(values: readonly number[]): Interval {
  const ci = ci95(values);
  return { mean: values.length ? mean(values) : NaN, low: ci?.low ?? null, high: ci?.high ?? null, n: values.length };
}

// For tok/s → ms and the like: an interval reaching zero or below has no finite image.
const mapInterval = (i: Interval, f: (x: number) => number): Interval => {
  const usable = i.low !== null && i.high !== null && i.low > 0;
  const [a, b] = usable ? [f(i.low!), f(i.high!)] : [null, null];
  return { mean: f(i.mean), low: a === null || b === null ? null : Math.min(a, b), high: a === null || b === null ? null : Math.max(a, b), n: i.n };
};

/** Figures per variant, in the order variants first appear. */
export function variantFigures(records: readonly RunRecord[]): VariantFigures[] {
  const by = new Map<string, RunRecord[]>();
  for (const r of records) by.set(r.run.variant, [...(by.get(r.run.variant) ?? []), r]);
  return [...by].map(([variant, rs]) => figuresOf(variant, rs));
}

function figuresOf(variant: string, rs: RunRecord[]): VariantFigures {
  const ok = rs.filter((r) => r.status === "ok" && r.derived?.tokS != null);
  const spec = (ok[0] ?? rs[0])!.spec as Obj;
  const model = spec.model as Obj;
  const engine = spec.engine as Obj;
  const layers = Number(model.layers), presetLayers = Number(model.presetLayers);
  const tokS = interval(ok.map((r) => r.derived!.tokS!));
  const stat = (k: string) => sum(ok.map((r) => num(r.samples, "stats", k) ?? 0));
  const tokens = stat("tokens");
  const osDevice = ok.map((r) => num(r.environment, "counters", "process", "deviceReadBytes"));
  const haveOs = osDevice.every((x) => x !== null) && ok.length > 0;
  const vm = (k: string) => sum(ok.map((r) => num(r.environment, "counters", "vmstat", k) ?? 0));
  const haveVm = ok.some((r) => num(r.environment, "counters", "vmstat", "pgscan_direct") !== null);
  const psis = ok.map((r) => ((r.environment as Obj | undefined)?.counters as Obj | undefined)?.psi as Obj | undefined).filter((p) => p?.stallS);
  return {
    variant,
    label: String((spec as Obj).label ?? variant),
    runs: rs.length,
    ok: ok.length,
    layers,
    presetLayers,
    tokS,
    layerMs: mapInterval(tokS, (t) => 1000 / (t * layers)),
    fullModelTokS: mapInterval(tokS, (t) => (t * layers) / presetLayers),
    settings: {
      direct: String(engine["io.direct"]), fadvise: String(engine["io.fadvise"]), policy: String(engine["cache.policy"]),
      passes: Number(engine["dense.passes"]), mode: String(engine["exec.mode"]),
    },
    appHitRate: stat("requests") > 0 ? stat("app_hits") / stat("requests") : 0,
    pageCacheHitRate: stat("read_bytes") > 0 ? stat("page_cache_bytes") / stat("read_bytes") : 0,
    deviceMBPerToken: tokens > 0 ? stat("device_bytes") / tokens / 1e6 : 0,
    osDeviceMBPerToken: haveOs && tokens > 0 ? sum(osDevice as number[]) / tokens / 1e6 : null,
    readAmplification: haveOs && stat("device_bytes") > 0 ? sum(osDevice as number[]) / stat("device_bytes") : null,
    copyMsPerToken: tokens > 0 ? (stat("copy_s") / tokens) * 1e3 : 0,
    waitShare: stat("run_wall_s") > 0 ? stat("wait_wall_s") / stat("run_wall_s") : 0,
    reclaim: haveVm
      ? {
          scanned: vm("pgscan_kswapd") + vm("pgscan_direct"), stolen: vm("pgsteal_kswapd") + vm("pgsteal_direct"),
          refaults: vm("workingset_refault_file"), limitHits: sum(ok.map((r) => num(r.environment, "budget", "limitHits") ?? 0)),
        }
      : null,
    pressure: psis.length
      ? {
          memoryS: sum(psis.map((p) => num(p, "stallS", "memory", "some") ?? 0)), ioS: sum(psis.map((p) => num(p, "stallS", "io", "some") ?? 0)),
          scope: String(psis[0]!.scope ?? "unknown"),
        }
      : null,
    prefetch: stat("prefetch_issued") > 0 && tokens > 0
      ? {
          issued: stat("prefetch_issued"), useful: stat("prefetch_useful"),
          readMBPerToken: stat("prefetch_read_bytes") / tokens / 1e6, wastedMBPerToken: stat("prefetch_wasted_bytes") / tokens / 1e6,
        }
      : null,
    noisy: rs.filter((r) => ((r.environment as Obj | undefined)?.noise as Obj | undefined)?.noisy === true).length,
  };
}
