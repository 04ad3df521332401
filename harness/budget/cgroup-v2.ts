// cgroup v2 (as root, or in a subtree delegated to this user): memory.max with swap off,
// memory.peak / memory.events for peak, limit hits and OOM kills, and memory.reclaim before
// rmdir. v2 allows processes only in leaves, so when the harness's own cgroup holds processes
// the harness first moves itself into a leaf of its own, then enables the memory controller
// for its siblings — the run cgroups.

import { basename, dirname, join } from "node:path";
import { errnoOf, realCgroupFs, type CgroupFs } from "./cgroup-fs.ts";
import { cgroupName, parseCgroupName, selfOwner, type Owner } from "./owner.ts";
import { keyedNumbers, killAll, makeDir, removeDir, type CgroupDriver, type RunCgroup } from "./run-cgroup.ts";

export const HARNESS_LEAF = "harness";

/** The directory run cgroups are made in, with the memory controller enabled for them. */
export function prepareV2Base(own: string, fs: CgroupFs = realCgroupFs, self: Owner = selfOwner()): string {
  const mine = parseCgroupName(basename(own));
  if (mine?.label === HARNESS_LEAF && mine.pid === self.pid && mine.startTicks === self.startTicks) return dirname(own);
  const control = join(own, "cgroup.subtree_control");
  if (fs.read(control).split(/\s+/).includes("memory")) return own;
  try {
    fs.write(control, "+memory");
    return own;
  } catch (e) {
    if (errnoOf(e) !== "EBUSY") throw new Error(`cannot enable the memory controller in ${control}: ${(e as Error).message}`);
  }
  // EBUSY: processes live in `own` ("no internal processes"): move this one into a leaf.
  const leaf = join(own, cgroupName(self, HARNESS_LEAF));
  makeDir(fs, leaf);
  fs.write(join(leaf, "cgroup.procs"), String(self.pid));
  try {
    fs.write(control, "+memory");
  } catch (e) {
    throw new Error(`cannot enable the memory controller in ${control} (${errnoOf(e) ?? (e as Error).message}): ` +
      `other processes share the harness's cgroup ${own}; start the harness in a cgroup of its own ` +
      "(systemd-run --user --scope -p Delegate=yes …)");
  }
  return own;
}

export function v2Driver(own: string, delegated: boolean, fs: CgroupFs = realCgroupFs): CgroupDriver {
  const base = prepareV2Base(own, fs);
  const kind = delegated ? "v2-delegated" : "v2";
  const attach = (name: string): RunCgroup => {
    const path = join(base, name);
    const file = (f: string) => join(path, f);
    const num = (f: string) => Number(fs.read(file(f)).trim());
    const held = fs.read(file("memory.max")).trim();
    return {
      kind,
      path,
      limitBytes: held === "max" ? null : Number(held),
      procsFile: file("cgroup.procs"),
      read() {
        const stat = keyedNumbers(fs.read(file("memory.stat")));
        const events = keyedNumbers(fs.read(file("memory.events")));
        return {
          usageBytes: num("memory.current"),
          peakBytes: fs.exists(file("memory.peak")) ? num("memory.peak") : null,
          limitHits: events.max ?? 0,
          oomKills: events.oom_kill ?? 0,
          fileBytes: stat.file ?? 0,
          anonBytes: stat.anon ?? 0,
          majorFaults: stat.pgmajfault ?? null,
        };
      },
      async remove() {
        if (fs.exists(file("cgroup.kill"))) fs.write(file("cgroup.kill"), "1");
        const killed = await killAll(fs, path);
        let emptied = false;
        let note: string | undefined = "memory.reclaim is not available (Linux < 5.19)";
        if (fs.exists(file("memory.reclaim"))) {
          try {
            fs.write(file("memory.reclaim"), String(Math.max(4096, num("memory.current"))));
            emptied = true;
            note = undefined;
          } catch (e) {
            note = `memory.reclaim: ${errnoOf(e) ?? (e as Error).message}`; // EAGAIN: not all of it
          }
        }
        await removeDir(fs, path);
        return { killed, emptied, ...(note ? { note } : {}) };
      },
    };
  };
  return {
    kind,
    base,
    attach,
    create(name, limitBytes) {
      const path = join(base, name);
      const optional = (f: string, v: string) => fs.exists(join(path, f)) && fs.write(join(path, f), v);
      makeDir(fs, path);
      try {
        if (limitBytes !== null) fs.write(join(path, "memory.max"), String(Math.floor(limitBytes)));
        optional("memory.swap.max", "0");   // no swap on top of the budget
        optional("memory.oom.group", "1");  // an OOM kill ends the whole run, not one of its threads' process
      } catch (e) {
        fs.rmdir(path);
        throw new Error(`cannot set the memory limit of ${path} to ${limitBytes} bytes: ${(e as Error).message}`);
      }
      return attach(name);
    },
  };
}
