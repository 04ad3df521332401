// tierbench's binary routing trace (engine-c/src/routing/routing.h, docs/trace-format.md):
// read, validate and write it from TypeScript. The engine parses only this format.

import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { TraceError } from "./trace-error.ts";

export const TRACE_MAGIC = "TBTRACE\0";
export const TRACE_VERSION = 1;
export const TRACE_HEADER_BYTES = 64;
const FLAG_WEIGHTS = 1;

/** Routing of `tokens` tokens: ids and gate weights laid out [token][layer][slot]. */
export interface Trace {
  layers: number;
  experts: number; // per layer
  k: number; // routed experts per token and layer
  tokens: number;
  ids: Int32Array; // [tokens][layers][k], each in 0..experts-1, distinct within a (token, layer)
  weights: Float32Array | null; // [tokens][layers][k] summing to 1; null = 1/k each
}

/** The flat index of (token, layer, slot 0). */
export const at = (t: Trace, token: number, layer: number): number => (token * t.layers + layer) * t.k;

/** Checks shape and ids; throws TraceError naming the file and what is wrong. */
export function validateTrace(t: Trace, file: string): void {
  for (const [name, v] of [["layers", t.layers], ["experts", t.experts], ["k", t.k], ["tokens", t.tokens]] as const)
    if (!Number.isInteger(v) || v < 1) throw new TraceError(file, null, `${name}=${v} must be a positive integer`);
  if (t.k > t.experts) throw new TraceError(file, null, `k=${t.k} must be at most experts=${t.experts}`);
  const n = t.tokens * t.layers * t.k;
  if (t.ids.length !== n || (t.weights && t.weights.length !== n))
    throw new TraceError(file, null, `arrays hold ${t.ids.length} ids, expected tokens×layers×k = ${n}`);
  for (let i = 0; i < n; i += t.k) {
    for (let j = 0; j < t.k; j++) {
      const e = t.ids[i + j]!;
      const where = () => `token ${Math.floor(i / t.k / t.layers)}, layer ${(i / t.k) % t.layers}`;
      if (e < 0 || e >= t.experts)
        throw new TraceError(file, null, `${where()}: expert id ${e} outside 0..${t.experts - 1}`);
      for (let p = 0; p < j; p++)
        if (t.ids[i + p] === e) throw new TraceError(file, null, `${where()}: expert ${e} routed twice`);
      const w = t.weights?.[i + j];
      if (w !== undefined && !(w >= 0 && Number.isFinite(w)))
        throw new TraceError(file, null, `${where()}: gate weight ${w} must be a finite number >= 0`);
    }
  }
}

export function encodeTrace(t: Trace): Uint8Array {
  const n = t.tokens * t.layers * t.k;
  const bytes = new Uint8Array(TRACE_HEADER_BYTES + n * 4 * (t.weights ? 2 : 1));
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(TRACE_MAGIC), 0);
  const header = [TRACE_VERSION, t.layers, t.experts, t.k, t.tokens, t.weights ? FLAG_WEIGHTS : 0];
  header.forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  for (let i = 0; i < n; i++) view.setInt32(TRACE_HEADER_BYTES + 4 * i, t.ids[i]!, true);
  if (t.weights)
    for (let i = 0; i < n; i++) view.setFloat32(TRACE_HEADER_BYTES + 4 * (n + i), t.weights[i]!, true);
  return bytes;
}

export function decodeTrace(bytes: Uint8Array, file: string): Trace {
  if (bytes.length < TRACE_HEADER_BYTES)
    throw new TraceError(file, null, `${bytes.length} bytes is shorter than the ${TRACE_HEADER_BYTES}-byte trace header`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== TRACE_MAGIC)
    throw new TraceError(file, null, `not a tierbench trace (magic ${JSON.stringify(magic)}, expected "TBTRACE\\0"); ` +
      "convert JSON lines or CSV with `bun run trace convert`");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [version, layers, experts, k, tokens, flags] = [0, 1, 2, 3, 4, 5].map((i) => view.getUint32(8 + 4 * i, true)) as [
    number, number, number, number, number, number];
  if (version !== TRACE_VERSION)
    throw new TraceError(file, null, `trace format version ${version}; this build reads version ${TRACE_VERSION}`);
  if (flags & ~FLAG_WEIGHTS) throw new TraceError(file, null, `unknown flags 0x${flags.toString(16)} (only bit 0, gate weights, is defined)`);
  if (bytes.subarray(32, TRACE_HEADER_BYTES).some((b) => b !== 0)) throw new TraceError(file, null, "reserved header bytes 32..63 must be 0");
  const n = tokens * layers * k;
  const want = TRACE_HEADER_BYTES + n * 4 * (flags & FLAG_WEIGHTS ? 2 : 1);
  if (bytes.length !== want)
    throw new TraceError(file, null, `${bytes.length} bytes; a header of ${tokens} tokens × ${layers} layers × k=${k}` +
      `${flags & FLAG_WEIGHTS ? " with weights" : ""} needs exactly ${want}`);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = view.getInt32(TRACE_HEADER_BYTES + 4 * i, true);
  let weights: Float32Array | null = null;
  if (flags & FLAG_WEIGHTS) {
    weights = new Float32Array(n);
    for (let i = 0; i < n; i++) weights[i] = view.getFloat32(TRACE_HEADER_BYTES + 4 * (n + i), true);
  }
  const t: Trace = { layers, experts, k, tokens, ids, weights };
  validateTrace(t, file);
  return t;
}

export function readTrace(file: string): Trace {
  return decodeTrace(new Uint8Array(readFileSync(file)), file);
}

/** Written to a temporary name and renamed, so a reader never sees half a trace. */
export function writeTrace(file: string, t: Trace): void {
  validateTrace(t, file);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeTrace(t));
  renameSync(tmp, file);
}
