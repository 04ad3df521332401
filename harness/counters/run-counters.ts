// A run's counters over its measured window (engine opened → last token), from the child's own
// counters and two system snapshots taken at the window's edges: device bytes and read
// amplification, faults, context switches, vmstat and PSI deltas, steal, others' disk traffic.

import type { ProcessCounters } from "./process-counters.ts";
import type { SystemSnapshot } from "./system-snapshot.ts";

export interface RunCounters {
  windowS: number;
  process: {                        // the run's own process (null: it died before closing its window)
    deviceReadBytes: number | null; // from the device for this process, readahead included
    deviceWriteBytes: number | null;
    readCallBytes: number | null;   // returned by read calls, page-cache hits included
    majorFaults: number;
    minorFaults: number;
    voluntaryCtxSwitches: number;
    involuntaryCtxSwitches: number;
    cpuS: number;
  } | null;
  readAheadKb: number | null;       // of the model's disk
  readAmplification: number | null; // device read bytes / bytes asked of the OS (engine read_bytes)
  deviceOverAttributed: number | null; // device read bytes / engine device_bytes (misses by mincore)
  vmstat: Record<string, number>;   // deltas
  psi: { scope: "system" | "cgroup"; note: string; stallS: Record<string, { some: number; full: number | null }> };
  stealShare: number | null;        // steal / all CPU time in the window
  disk: { device: string; bytes: number; ownBytes: number | null; othersBytes: number | null } | null;
  runnable: { samples: number; mean: number; max: number } | null;
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? a / b : null);

export interface WindowInput {
  start: SystemSnapshot;
  end: SystemSnapshot;
  procStart: ProcessCounters | null;
  procEnd: ProcessCounters | null;
  runnable: readonly number[];
  readAheadKb: number | null;
  engineStats?: Record<string, number> | null;
  psiScope: "system" | "cgroup";
}

function processDelta(a: ProcessCounters | null, b: ProcessCounters | null): RunCounters["process"] {
  if (!a || !b) return null;
  const d = (k: "deviceReadBytes" | "deviceWriteBytes" | "readCallBytes") => (a[k] !== null && b[k] !== null ? b[k]! - a[k]! : null);
  return {
    deviceReadBytes: d("deviceReadBytes"),
    deviceWriteBytes: d("deviceWriteBytes"),
    readCallBytes: d("readCallBytes"),
    majorFaults: b.majorFaults - a.majorFaults,
    minorFaults: b.minorFaults - a.minorFaults,
    voluntaryCtxSwitches: b.voluntaryCtxSwitches - a.voluntaryCtxSwitches,
    involuntaryCtxSwitches: b.involuntaryCtxSwitches - a.involuntaryCtxSwitches,
    cpuS: b.userCpuS + b.systemCpuS - a.userCpuS - a.systemCpuS,
  };
}

export function runCounters(w: WindowInput): RunCounters {
  const proc = processDelta(w.procStart, w.procEnd);
  const windowS = w.procStart && w.procEnd ? (w.procEnd.atMs - w.procStart.atMs) / 1e3 : (w.end.atMs - w.start.atMs) / 1e3;

  const vmstat: Record<string, number> = {};
  for (const [k, v] of Object.entries(w.end.vmstat)) {
    const before = w.start.vmstat[k as keyof SystemSnapshot["vmstat"]];
    if (before !== undefined) vmstat[k] = v - before;
  }
  const stallS: RunCounters["psi"]["stallS"] = {};
  for (const [r, e] of Object.entries(w.end.psi)) {
    const s = w.start.psi[r as keyof SystemSnapshot["psi"]];
    if (s) stallS[r] = { some: (e.someUs - s.someUs) / 1e6, full: e.fullUs !== null && s.fullUs !== null ? (e.fullUs - s.fullUs) / 1e6 : null };
  }
  const cpu = w.start.cpu && w.end.cpu
    ? { busy: w.end.cpu.busy - w.start.cpu.busy, idle: w.end.cpu.idle - w.start.cpu.idle, steal: w.end.cpu.steal - w.start.cpu.steal }
    : null;

  let disk: RunCounters["disk"] = null;
  if (w.start.disk && w.end.disk) {
    const bytes = w.end.disk.readBytes + w.end.disk.writeBytes - w.start.disk.readBytes - w.start.disk.writeBytes;
    const own = proc && proc.deviceReadBytes !== null && proc.deviceWriteBytes !== null ? proc.deviceReadBytes + proc.deviceWriteBytes : null;
    // The child's window and the parent's snapshots are a few ms apart: never below zero.
    disk = { device: w.end.disk.device, bytes, ownBytes: own, othersBytes: own === null ? null : Math.max(0, bytes - own) };
  }
  const st = w.engineStats ?? {};
  return {
    windowS,
    process: proc,
    readAheadKb: w.readAheadKb,
    readAmplification: ratio(proc?.deviceReadBytes, st.read_bytes),
    deviceOverAttributed: ratio(proc?.deviceReadBytes, st.device_bytes),
    vmstat,
    psi: {
      scope: w.psiScope,
      note: w.psiScope === "system" ? "system-wide: cgroup v1 has no per-cgroup pressure; other tenants' stalls are included" : "the run's own cgroup",
      stallS,
    },
    stealShare: cpu ? ratio(cpu.steal, cpu.busy + cpu.idle + cpu.steal) : null,
    disk,
    runnable: w.runnable.length
      ? { samples: w.runnable.length, mean: w.runnable.reduce((a, b) => a + b, 0) / w.runnable.length, max: Math.max(...w.runnable) }
      : null,
  };
}
