// One run's memory cgroup, whatever the mechanism: made with a limit, read (usage, peak, limit
// hits, OOM kills, page cache charged), and removed — its processes killed, its memory emptied,
// the directory gone. The v1 and v2 drivers implement it.

import { join } from "node:path";
import { errnoOf, type CgroupFs } from "./cgroup-fs.ts";
import type { MechanismKind } from "./detect-mechanism.ts";

export interface CgroupReading {
  usageBytes: number;
  peakBytes: number | null;   // v1 memory.max_usage_in_bytes; v2 memory.peak (Linux ≥ 5.19)
  limitHits: number;          // v1 memory.failcnt; v2 memory.events "max"
  oomKills: number;           // v1 memory.oom_control / v2 memory.events "oom_kill"
  fileBytes: number;          // page cache charged here (v1 "cache", v2 "file")
  anonBytes: number;          // anonymous memory (v1 "rss", v2 "anon")
  majorFaults: number | null; // memory.stat pgmajfault
}

export interface RemoveReport {
  killed: number;             // processes still inside, killed first
  emptied: boolean;           // its memory reclaimed before removal (force_empty / memory.reclaim)
  note?: string;              // why it was not
}

export interface RunCgroup {
  readonly kind: MechanismKind;
  readonly path: string;
  readonly limitBytes: number | null; // as the kernel holds it (page-rounded); null: no limit
  /** A process joins by writing its pid here. */
  readonly procsFile: string;
  read(): CgroupReading;
  remove(): Promise<RemoveReport>;
}

export interface CgroupDriver {
  readonly kind: MechanismKind;
  readonly base: string;      // run cgroups are made here
  create(name: string, limitBytes: number | null): RunCgroup;
  /** An existing cgroup under base (a stale one, to read or remove). */
  attach(name: string): RunCgroup;
}

/** "key value" lines (memory.stat, memory.events, oom_control) as numbers by key. */
export function keyedNumbers(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

export const pidsIn = (fs: CgroupFs, dir: string) =>
  fs.read(join(dir, "cgroup.procs")).split("\n").filter(Boolean).map(Number);

/** SIGKILLs every process left in the cgroup and waits until none is (a cgroup with
 * processes cannot be removed). Returns how many were killed. */
export async function killAll(fs: CgroupFs, dir: string, timeoutMs = 5000): Promise<number> {
  const killed = new Set<number>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = pidsIn(fs, dir);
    if (pids.length === 0) return killed.size;
    if (Date.now() > deadline)
      throw new Error(`${dir}: processes ${pids.join(", ")} are still inside ${timeoutMs} ms after SIGKILL`);
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
        killed.add(pid);
      } catch (e) {
        if (errnoOf(e) !== "ESRCH") throw e;
      }
    }
    await Bun.sleep(10);
  }
}

/** rmdir, retried briefly: the kernel may still be detaching a process that just died. */
export async function removeDir(fs: CgroupFs, dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.rmdir(dir);
      return;
    } catch (e) {
      if (errnoOf(e) === "ENOENT") return;
      if (errnoOf(e) !== "EBUSY" || attempt >= 50) throw new Error(`cannot remove the cgroup ${dir}: ${(e as Error).message}`);
      await Bun.sleep(20);
    }
  }
}

/** mkdir for a new run cgroup, with a message that says what to do when it is left over. */
export function makeDir(fs: CgroupFs, dir: string): void {
  try {
    fs.mkdir(dir);
  } catch (e) {
    if (errnoOf(e) === "EEXIST") throw new Error(`the cgroup ${dir} already exists: a run of this harness process did not clean up`);
    throw new Error(`cannot create the cgroup ${dir}: ${(e as Error).message}`);
  }
}
