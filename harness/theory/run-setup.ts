// What the time model needs to know about a configuration — geometry, pipeline, parallelism —
// read from a stored run (its spec, resolved engine config and counters) or written by hand for
// another machine's observation.

import type { Geometry } from "../../ffi/index.ts";
import type { RunSpec } from "../experiment/plan.ts";
import type { RunRecord } from "../results/run-record.ts";

export type ExecMode = "serial" | "overlapped";
export type DirectMode = "off" | "on" | "first-touch";

export interface RunSetup {
  preset: string;
  layers: number;               // layers per token (L of the scale model)
  k: number;                    // routed experts per token and layer
  recordBytes: number;          // one routed expert record
  bits: number;                 // expert weight bits
  denseBits: number | null;     // resident dense weight bits; null: not recorded
  denseBytesPerLayer: number;   // one pass over a layer's resident dense matrices
  densePasses: number;          // dense.passes
  sharedBytesPerLayer: number;  // the shared expert's weights (0: none, or unknown)
  exec: ExecMode;
  ioEngine: string;
  ioThreads: number;
  queueDepth: number;           // io.queue_depth (ring-based engines)
  chunkBytes: number;           // io.chunk; 0 = whole records
  direct: DirectMode;
  fadvise?: string;             // io.fadvise: normal (absent), random or sequential
  computeThreads: number;
  backend: string;              // compute backend: "cpu", "metal", …
  cores: number;                // logical CPUs of the machine that ran it
}

/** Reads in flight a layer can have: one per record (or chunk), at most the I/O workers. */
export function chunksPerRecord(s: Pick<RunSetup, "chunkBytes" | "recordBytes">): number {
  return s.chunkBytes > 0 ? Math.ceil(s.recordBytes / s.chunkBytes) : 1;
}

/** Bytes of one read as the engine issues it: a chunk, or a whole record. */
export function readBytes(s: Pick<RunSetup, "chunkBytes" | "recordBytes">): number {
  return s.chunkBytes > 0 ? Math.min(s.chunkBytes, s.recordBytes) : s.recordBytes;
}

/** Reads (or chunks) the I/O engine keeps in flight at most: its ring's depth for io_uring,
 * its worker threads otherwise. */
export function ioSlots(s: Pick<RunSetup, "ioEngine" | "ioThreads" | "queueDepth">): number {
  return Math.max(1, s.ioEngine === "io_uring" ? s.queueDepth : s.ioThreads);
}

export function readParallelism(s: RunSetup, reads = s.k): number {
  return Math.max(1, Math.min(ioSlots(s), reads * chunksPerRecord(s)));
}

const str = (v: unknown, d: string) => (typeof v === "string" && v ? v : d);
const int = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) ? v : d);

interface SpecLike {
  model?: { preset?: string; layers?: number; bits?: number; residentBytes?: number; recordBytes?: number };
  workload?: { k?: number };
}

/** The setup of a stored run. Geometry the record leaves as "the preset's" (-1) comes from
 * `denseBitsOf(preset)` when the caller can look presets up. */
export function setupFromRecord(r: RunRecord, denseBitsOf?: (preset: string) => number | null): RunSetup {
  const st = r.samples?.stats ?? {};
  const cfg = { ...(r.engine ?? {}), ...(r.samples?.config ?? {}) } as Record<string, unknown>;
  const spec = (r.spec ?? {}) as SpecLike;
  const tokens = Math.max(1, st.tokens ?? 1);
  const layers = st.layers_run ? st.layers_run / tokens : int(spec.model?.layers, int(cfg["model.layers"], 1));
  const k = st.requests && st.layers_run ? st.requests / st.layers_run : int(spec.workload?.k, int(cfg["routing.k"], 1));
  const preset = str(cfg["model.preset"], str(spec.model?.preset, ""));
  const recordBytes = st.expert_record_bytes ?? int(spec.model?.recordBytes, 0);
  const denseBytesPerLayer = st.dense_bytes_per_layer ?? 0;
  const configuredDense = int(cfg["model.dense_bits"], -1);
  // The resident file holds each layer's dense matrices and its shared expert.
  const residentPerLayer = spec.model?.residentBytes && spec.model.layers ? spec.model.residentBytes / spec.model.layers : 0;
  return {
    preset,
    layers,
    k,
    recordBytes,
    bits: int(spec.model?.bits, int(cfg["model.bits"], 0)),
    denseBits: configuredDense > 0 ? configuredDense : (denseBitsOf?.(preset) ?? null),
    denseBytesPerLayer,
    densePasses: int(cfg["dense.passes"], 1),
    sharedBytesPerLayer: Math.max(0, residentPerLayer - denseBytesPerLayer),
    exec: cfg["exec.mode"] === "overlapped" ? "overlapped" : "serial",
    ioEngine: str(cfg["io.engine"], "pread"),
    ioThreads: int(cfg["io.threads"], 1),
    queueDepth: int(cfg["io.queue_depth"], 1),
    chunkBytes: int(cfg["io.chunk"], 0),
    direct: (["on", "first-touch"].includes(String(cfg["io.direct"])) ? cfg["io.direct"] : "off") as DirectMode,
    fadvise: str(cfg["io.fadvise"], "normal"),
    computeThreads: int(cfg["compute.threads"], 1),
    backend: str(cfg["compute.backend"], "cpu"),
    cores: r.context?.machine?.cores ?? 1,
  };
}

/** Bytes of a quantized rows × cols matrix: packed weights plus a bf16 scale and bias per group
 * (engine-c tb_qmatrix_bytes). */
export const qmatrixBytes = (rows: number, cols: number, bits: number, group: number) =>
  (rows * cols * bits) / 8 + 2 * rows * (cols / group) * 2;

/** The setup of a planned configuration, before any run: `g` is its preset's geometry (the
 * engine's describe()), overridden by the spec's engine keys where they are set. */
export function setupFromSpec(spec: RunSpec, g: Geometry, cores: number): RunSetup {
  const e = spec.engine as Record<string, unknown>;
  const set = (key: string, d: number) => (typeof e[key] === "number" && (e[key] as number) > 0 ? (e[key] as number) : d);
  const hidden = set("model.hidden", g.hidden);
  const group = set("model.group", g.group);
  const denseBits = set("model.dense_bits", g.dense_bits);
  const sharedFfn = typeof e["model.shared_ffn"] === "number" && (e["model.shared_ffn"] as number) >= 0 ? (e["model.shared_ffn"] as number) : g.shared_ffn;
  const denseMatrices = set("model.dense_matrices", g.dense_matrices);
  const shared = sharedFfn > 0 ? 2 * qmatrixBytes(sharedFfn, hidden, denseBits, group) + qmatrixBytes(hidden, sharedFfn, denseBits, group) : 0;
  return {
    preset: spec.model.preset,
    layers: spec.model.layers,
    k: spec.workload.k,
    recordBytes: spec.model.recordBytes,
    bits: spec.model.bits,
    denseBits,
    denseBytesPerLayer: denseMatrices * qmatrixBytes(hidden, hidden, denseBits, group),
    densePasses: int(e["dense.passes"], 1),
    sharedBytesPerLayer: shared,
    exec: e["exec.mode"] === "overlapped" ? "overlapped" : "serial",
    ioEngine: str(e["io.engine"], "pread"),
    ioThreads: int(e["io.threads"], 1),
    queueDepth: int(e["io.queue_depth"], 1),
    chunkBytes: int(e["io.chunk"], 0),
    direct: (["on", "first-touch"].includes(String(e["io.direct"])) ? e["io.direct"] : "off") as DirectMode,
    fadvise: str(e["io.fadvise"], "normal"),
    computeThreads: int(e["compute.threads"], 1),
    backend: str(e["compute.backend"], "cpu"),
    cores,
  };
}
