// Runnable threads on the whole machine right now: /proc/loadavg's running count (every CPU's
// run queue), less the one thread reading it.

import { readProc } from "./read-proc.ts";

export function parseLoadavgRunning(text: string | null): number | null {
  const m = text ? /^\S+ \S+ \S+ (\d+)\//.exec(text) : null;
  return m ? Number(m[1]) : null;
}

export function runnableThreads(): number | null {
  const n = parseLoadavgRunning(readProc("/proc/loadavg"));
  return n === null ? null : Math.max(0, n - 1);
}
