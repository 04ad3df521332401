// Synthetic runs and profiles for the theory tests: a run's counters written from parts chosen
// by the test, so that a decomposition can be checked against the parts it was built from.

import type { MachineProfile, Measurement } from "../harness/probe/machine-profile.ts";
import type { RunRecord } from "../harness/results/run-record.ts";
import { STAGES, type Stage } from "../harness/results/derive-metrics.ts";

export const MS = 1e-3;

/** Read bandwidths (GB/s) by reads in flight, for the device (both cold modes) and page cache. */
export function profileOf(o: { device: Record<number, number>; pageCache?: Record<number, number>; recordBytes: number; kernels?: { bits: number; threads: number; gbps: number }[] }): MachineProfile {
  const m = (what: string, params: Measurement["params"], value: number): Measurement =>
    ({ what, params, value, unit: "GB/s", samples: [value], tool: "test", measuredAt: "" });
  const measurements: Measurement[] = [];
  for (const [p, v] of Object.entries(o.device))
    for (const mode of ["direct", "buffered-cold"]) measurements.push(m("device_read", { recordBytes: o.recordBytes, parallelism: Number(p), mode }, v));
  for (const [p, v] of Object.entries(o.pageCache ?? {})) measurements.push(m("page_cache_read", { recordBytes: o.recordBytes, parallelism: Number(p) }, v));
  for (const k of o.kernels ?? []) measurements.push(m("kernel", { bits: k.bits, threads: k.threads }, k.gbps));
  return { version: 1, machine: { hostname: "test", os: "", cpuModel: "", cores: 8, ramBytes: 0, storage: null }, measurements };
}

export interface SyntheticRun {
  tokens?: number;
  layers: number;
  k: number;
  recordBytes: number;
  wallMs: Partial<Record<Stage, number>>;   // per token
  cpuMs?: Partial<Record<Stage, number>>;   // per token; default: equal to wall (except wait: 0)
  bytes: { appCache?: number; pageCache?: number; device?: number; direct?: number }; // per token
  engine?: Record<string, string | number>;
  extraStats?: Record<string, number>;      // per token
  cores?: number;
  tokS?: number;
  environment?: unknown;
  residentBytes?: number;
  denseBytesPerLayer?: number;
  variant?: string;
}

export function syntheticRecord(s: SyntheticRun): RunRecord {
  const n = s.tokens ?? 100;
  const stats: Record<string, number> = {
    tokens: n,
    layers_run: n * s.layers,
    requests: n * s.layers * s.k,
    expert_record_bytes: s.recordBytes,
    dense_bytes_per_layer: s.denseBytesPerLayer ?? 0,
    requested_bytes: n * s.layers * s.k * s.recordBytes,
    app_cache_bytes: n * (s.bytes.appCache ?? 0),
    page_cache_bytes: n * (s.bytes.pageCache ?? 0),
    device_bytes: n * (s.bytes.device ?? 0),
    direct_reads: (n * (s.bytes.direct ?? 0)) / s.recordBytes,
  };
  for (const st of STAGES) {
    const wall = s.wallMs[st] ?? 0;
    stats[`${st}_wall_s`] = n * wall * MS;
    stats[`${st}_cpu_s`] = n * (s.cpuMs?.[st] ?? (st === "wait" ? 0 : wall)) * MS;
  }
  for (const [k, v] of Object.entries(s.extraStats ?? {})) stats[k] = n * v;
  const totalMs = STAGES.reduce((a, st) => a + (s.wallMs[st] ?? 0), 0);
  const variant = s.variant ?? "synthetic";
  return {
    schema: 1, experiment: "theory-test", status: "ok",
    run: { id: `${variant}#1`, index: 0, count: 1, variant, repeat: 0, specHash: "" },
    startedAt: "", finishedAt: "",
    context: { git: { revision: null, dirty: null }, engineAbi: 1, bun: "", machine: { hostname: "test", os: "", cpuModel: "", cores: s.cores ?? 8, ramBytes: 0, storage: null } },
    spec: { variant, config: variant, point: {}, repeat: 1, model: { preset: "test", layers: s.layers, bits: 4, residentBytes: s.residentBytes ?? 0 }, workload: { k: s.k } },
    engine: { "io.threads": 4, "exec.mode": "serial", "compute.threads": 1, "io.direct": "off", ...s.engine },
    samples: { tokenTimesS: Array(n).fill(totalMs * MS), stats, layerStats: { names: [], rows: [] }, outputHash: null, config: null },
    derived: { tokS: s.tokS ?? 1 / (totalMs * MS), steady: { plateaued: true } } as RunRecord["derived"],
    ...(s.environment ? { environment: s.environment } : {}),
  } as RunRecord;
}
