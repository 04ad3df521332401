// cgroup v1 memory controller: memory.limit_in_bytes (and memsw, so swap cannot extend the
// budget), peak and failcnt from the controller's files; force_empty before rmdir so the run's
// page cache does not outlive it.

import { join } from "node:path";
import { errnoOf, realCgroupFs, type CgroupFs } from "./cgroup-fs.ts";
import { keyedNumbers, killAll, makeDir, removeDir, type CgroupDriver, type RunCgroup } from "./run-cgroup.ts";

const UNLIMITED_V1 = 2 ** 62; // v1 reports "no limit" as a huge page-rounded number

export function v1Driver(own: string, fs: CgroupFs = realCgroupFs): CgroupDriver {
  const attach = (name: string): RunCgroup => {
    const path = join(own, name);
    const file = (f: string) => join(path, f);
    const num = (f: string) => Number(fs.read(file(f)).trim());
    const held = num("memory.limit_in_bytes");
    return {
      kind: "v1",
      path,
      limitBytes: held >= UNLIMITED_V1 ? null : held,
      procsFile: file("cgroup.procs"),
      read() {
        const stat = keyedNumbers(fs.read(file("memory.stat")));
        return {
          usageBytes: num("memory.usage_in_bytes"),
          peakBytes: num("memory.max_usage_in_bytes"),
          limitHits: num("memory.failcnt"),
          oomKills: keyedNumbers(fs.read(file("memory.oom_control"))).oom_kill ?? 0,
          fileBytes: stat.cache ?? 0,
          anonBytes: stat.rss ?? 0,
          majorFaults: stat.pgmajfault ?? null,
        };
      },
      async remove() {
        const killed = await killAll(fs, path);
        let emptied = true;
        let note: string | undefined;
        try {
          fs.write(file("memory.force_empty"), "0");
        } catch (e) {
          // EBUSY: some pages could not be reclaimed (e.g. mapped elsewhere); they move to the
          // parent when the directory goes, so removal still proceeds.
          emptied = false;
          note = `force_empty: ${errnoOf(e) ?? (e as Error).message}`;
        }
        await removeDir(fs, path);
        return { killed, emptied, ...(note ? { note } : {}) };
      },
    };
  };
  return {
    kind: "v1",
    base: own,
    attach,
    create(name, limitBytes) {
      const path = join(own, name);
      makeDir(fs, path);
      try {
        if (limitBytes !== null) {
          fs.write(join(path, "memory.limit_in_bytes"), String(Math.floor(limitBytes)));
          // memsw must be ≥ the limit; equal means no swap on top of the budget.
          const memsw = join(path, "memory.memsw.limit_in_bytes");
          if (fs.exists(memsw)) fs.write(memsw, String(Math.floor(limitBytes)));
        }
      } catch (e) {
        fs.rmdir(path);
        throw new Error(`cannot set the memory limit of ${path} to ${limitBytes} bytes: ${(e as Error).message}`);
      }
      return attach(name);
    },
  };
}
