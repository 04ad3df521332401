// System-wide counters at one instant: CPU time by kind (steal), reclaim and paging counters
// (/proc/vmstat), pressure stall totals (PSI) and one disk's traffic (/proc/diskstats). Two
// snapshots around a run give its window's deltas (run-counters.ts).

import { keyValues, readProc } from "./read-proc.ts";

/** vmstat counters kept: paging, reclaim, refaults and OOM — what memory pressure changes. */
export const VMSTAT_KEYS = [
  "pgpgin", "pgpgout", "pgmajfault", "pgfault", "pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct",
  "pgscan_file", "pgsteal_file", "workingset_refault_file", "workingset_activate_file", "allocstall_normal",
  "allocstall_movable", "pswpin", "pswpout", "oom_kill",
] as const;

export const PSI_RESOURCES = ["cpu", "io", "memory"] as const;
export type PsiResource = (typeof PSI_RESOURCES)[number];

export interface CpuTicks {
  busy: number;   // user + nice + system + irq + softirq, clock ticks over all CPUs
  idle: number;   // idle + iowait
  steal: number;  // time a hypervisor ran something else while this VM wanted the CPU
}

export interface DiskCounters {
  device: string;
  readBytes: number;
  writeBytes: number;
}

export interface SystemSnapshot {
  atMs: number;
  cpu: CpuTicks | null;
  vmstat: Partial<Record<(typeof VMSTAT_KEYS)[number], number>>;
  psi: Partial<Record<PsiResource, { someUs: number; fullUs: number | null }>>; // stall totals, µs
  disk: DiskCounters | null;
}

export function parseCpuTicks(stat: string | null): CpuTicks | null {
  const line = stat?.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

/** "some avg10=… total=N" / "full … total=N" of a PSI file. */
export function parsePsi(text: string | null): { someUs: number; fullUs: number | null } | null {
  if (!text) return null;
  const total = (kind: string) => {
    const m = new RegExp(`^${kind} .*total=(\\d+)`, "m").exec(text);
    return m ? Number(m[1]) : null;
  };
  const some = total("some");
  return some === null ? null : { someUs: some, fullUs: total("full") };
}

/** One device's line of /proc/diskstats: sectors are 512 bytes whatever the device's. */
export function parseDiskstats(text: string | null, device: string): DiskCounters | null {
  const f = text?.split("\n").map((l) => l.trim().split(/\s+/)).find((f) => f[2] === device);
  return f ? { device, readBytes: Number(f[5]) * 512, writeBytes: Number(f[9]) * 512 } : null;
}

export function systemSnapshot(o: { device: string | null; psiDir?: string }): SystemSnapshot {
  const vm = keyValues(readProc("/proc/vmstat") ?? "");
  const psi: SystemSnapshot["psi"] = {};
  for (const r of PSI_RESOURCES) {
    const p = parsePsi(readProc(o.psiDir ? `${o.psiDir}/${r}.pressure` : `/proc/pressure/${r}`));
    if (p) psi[r] = p;
  }
  return {
    atMs: Date.now(),
    cpu: parseCpuTicks(readProc("/proc/stat")),
    vmstat: Object.fromEntries(VMSTAT_KEYS.filter((k) => k in vm).map((k) => [k, vm[k]!])),
    psi,
    disk: o.device ? parseDiskstats(readProc("/proc/diskstats"), o.device) : null,
  };
}
