// The machine profile: one JSON file per machine (data/profile/<hostname>.json) of machine facts
// and ceilings keyed by what + params — device reads from the quick probe, the rest from the full
// probe; hand-written profiles of other machines (profiles/*.json) share it, with sources.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import os from "node:os";
import { canonicalJson } from "../results/spec-hash.ts";
import type { MachineContext } from "../results/machine-context.ts";

export const PROFILE_VERSION = 1;

/** One measured (or published) figure. `what` and `params` identify it:
 *   device_read      { recordBytes, parallelism, mode: "direct" | "buffered-cold", pattern?,
 *                      fadvise?, engine?, chunkBytes? }         GB/s of requested bytes
 *                    (pattern "sequential": a streaming read, for the peak only; fadvise
 *                    "normal": readahead on, details.deviceBytesPerRequested its amplification —
 *                    absent means "random"; engine "mmap": reads through page faults, their
 *                    readahead per madvise included — absent means the pread pool; chunkBytes:
 *                    records read in sequential pieces of that size, as io.chunk does)
 *   page_cache_read  { recordBytes, parallelism, engine? }      GB/s copied out of the page cache
 *                    (engine "mmap": out of a fresh mapping, one minor fault per fault-around
 *                    window included; less the read() copy, the price of using a resident
 *                    record in place — mmap-zerocopy)
 *   memory_copy      { threads }                                GB/s copied (read once, written once)
 *   memory_read      { threads }                                GB/s loaded
 *   kernel           { bits, threads, variant, backend? }       GB/s of expert weight bytes (cpu)
 * A hand-written profile may give a figure with fewer params (e.g. device_read { mode }). */
export interface Measurement {
  what: string;                 // "device_read", …
  params: Record<string, string | number>;
  value: number;                // the figure: median of the samples
  unit: string;                 // "GB/s" (1e9 bytes per second) for bandwidths
  samples: number[];            // in `unit`
  tool: string;                 // what measured it, e.g. "tierbench quick probe"
  target?: string;              // file or device measured on
  measuredAt: string;           // ISO 8601
  source?: string;              // citation, for hand-written profiles
  details?: Record<string, number | string>; // how to read it, e.g. deviceBytesPerRequested
}

/** The full probe's last complete pass: what it measured, so a later probe knows whether the
 * profile already holds it (cached per machine) or must measure again. */
export interface ProbeRecord {
  tool: string;                 // "tierbench probe"
  plan: Record<string, unknown>;// the probe plan it completed (record sizes, parallelism, threads…)
  completedAt: string;          // ISO 8601
}

export interface MachineProfile {
  version: number;
  machine: MachineContext;
  measurements: Measurement[];
  probe?: ProbeRecord;          // absent until a full probe completed
  description?: string;         // hand-written profiles: the machine as sold
  sources?: Record<string, string>; // hand-written profiles: citation per machine field (cores, ramBytes…)
}

export const measurementKey = (m: Pick<Measurement, "what" | "params">) => `${m.what} ${canonicalJson(m.params)}`;

/** $TIERBENCH_PROFILE, else data/profile/<hostname>.json under the repository root. */
export const defaultProfilePath = (root = process.cwd()) =>
  process.env.TIERBENCH_PROFILE || join(root, "data", "profile", `${os.hostname()}.json`);

export function readProfile(path: string): MachineProfile | null {
  if (!existsSync(path)) return null;
  const p = JSON.parse(readFileSync(path, "utf8")) as MachineProfile;
  if (p.version !== PROFILE_VERSION)
    throw new Error(`${path}: machine profile version ${p.version}, this harness reads version ${PROFILE_VERSION}`);
  return p;
}

/** Replaces measurements with the same key, keeps the others; returns a new profile. */
export function upsertMeasurements(profile: MachineProfile, fresh: readonly Measurement[]): MachineProfile {
  const keys = new Set(fresh.map(measurementKey));
  return { ...profile, measurements: [...profile.measurements.filter((m) => !keys.has(measurementKey(m))), ...fresh] };
}

export function writeProfile(path: string, profile: MachineProfile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(profile, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** The best device read bandwidth in GB/s of the pread pool for a record size (any parallelism
 * or mode; reads through page faults are the mmap engine's, not the device's);
 * falls back to the best of any record size; null when nothing was measured. */
export function peakDeviceReadGbps(profile: MachineProfile | null, recordBytes?: number): number | null {
  const reads = (profile?.measurements ?? []).filter((m) => m.what === "device_read" && m.unit === "GB/s" && m.params.engine === undefined);
  const same = reads.filter((m) => m.params.recordBytes === recordBytes);
  const pool = same.length ? same : reads;
  return pool.length ? Math.max(...pool.map((m) => m.value)) : null;
}
