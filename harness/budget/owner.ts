// Who owns a run cgroup: its name carries the harness's pid and the pid's start time (clock
// ticks since boot, /proc/<pid>/stat field 22), so a reused pid is never mistaken for the
// harness that made it. A cgroup whose owner is gone is stale.

import { readFileSync } from "node:fs";

export const CGROUP_PREFIX = "tierbench";
const NAME = /^tierbench-(\d+)-(\d+)-([a-z0-9-]+)$/;

export interface Owner {
  pid: number;
  startTicks: number;
}

/** Start time of a live process in clock ticks since boot; null when it does not exist. */
export function processStartTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[19]); // field 22 overall; fields[0] is field 3
  } catch {
    return null;
  }
}

let self: Owner | null = null;
export function selfOwner(): Owner {
  self ??= { pid: process.pid, startTicks: processStartTicks(process.pid) ?? 0 };
  return self;
}

/** "tierbench-<pid>-<start>-<label>"; label: lower-case letters, digits and '-'. */
export function cgroupName(owner: Owner, label: string): string {
  if (!/^[a-z0-9-]+$/.test(label)) throw new Error(`cgroup label "${label}": use lower-case letters, digits and '-'`);
  return `${CGROUP_PREFIX}-${owner.pid}-${owner.startTicks}-${label}`;
}

/** The owner and label a tierbench cgroup name carries; null for any other name. */
export function parseCgroupName(name: string): (Owner & { label: string }) | null {
  const m = NAME.exec(name);
  return m ? { pid: Number(m[1]), startTicks: Number(m[2]), label: m[3]! } : null;
}

export function ownerAlive(o: Owner, startTicksOf: (pid: number) => number | null = processStartTicks): boolean {
  return startTicksOf(o.pid) === o.startTicks;
}
