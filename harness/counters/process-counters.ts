// A process's own counters, taken by the process itself at the edges of its measured window:
// bytes it made the block layer read or write (/proc/self/io, readahead included), faults,
// context switches and CPU time of all its threads (getrusage).

import { keyValues, readProc } from "./read-proc.ts";

export interface ProcessCounters {
  atMs: number;                   // wall clock, ms since the epoch
  deviceReadBytes: number | null; // /proc/self/io read_bytes: fetched from storage for this process
  deviceWriteBytes: number | null;
  readCallBytes: number | null;   // rchar: bytes read(2) returned, page cache included
  majorFaults: number;
  minorFaults: number;
  voluntaryCtxSwitches: number;
  involuntaryCtxSwitches: number;
  userCpuS: number;
  systemCpuS: number;
}

export function parseProcIo(text: string | null): Pick<ProcessCounters, "deviceReadBytes" | "deviceWriteBytes" | "readCallBytes"> {
  const kv = text ? keyValues(text) : {};
  return { deviceReadBytes: kv.read_bytes ?? null, deviceWriteBytes: kv.write_bytes ?? null, readCallBytes: kv.rchar ?? null };
}

export function processCounters(): ProcessCounters {
  const ru = process.resourceUsage(); // RUSAGE_SELF: every thread, exited ones included
  return {
    atMs: Date.now(),
    ...parseProcIo(readProc("/proc/self/io")),
    majorFaults: ru.majorPageFault,
    minorFaults: ru.minorPageFault,
    voluntaryCtxSwitches: ru.voluntaryContextSwitches,
    involuntaryCtxSwitches: ru.involuntaryContextSwitches,
    userCpuS: ru.userCPUTime / 1e6,
    systemCpuS: ru.systemCPUTime / 1e6,
  };
}
