// Removes run cgroups left by a harness that is gone (SIGKILL, power cut): at harness start,
// every tierbench cgroup under the driver's base whose owner process no longer exists is
// emptied of processes and memory and removed. Live harnesses' cgroups are left alone.

import { join } from "node:path";
import { realCgroupFs, type CgroupFs } from "./cgroup-fs.ts";
import { ownerAlive, parseCgroupName, type Owner } from "./owner.ts";
import type { CgroupDriver, RemoveReport } from "./run-cgroup.ts";

export interface SweptCgroup extends RemoveReport {
  path: string;
  ownerPid: number;
  label: string;
}

export interface StaleSweep {
  removed: SweptCgroup[];
  failed: { path: string; error: string }[];
}

export async function sweepStale(
  driver: CgroupDriver,
  o: { fs?: CgroupFs; alive?: (owner: Owner) => boolean } = {},
): Promise<StaleSweep> {
  const fs = o.fs ?? realCgroupFs;
  const alive = o.alive ?? ((owner: Owner) => ownerAlive(owner));
  const out: StaleSweep = { removed: [], failed: [] };
  for (const name of fs.list(driver.base)) {
    const owner = parseCgroupName(name);
    if (!owner || alive(owner)) continue;
    const path = join(driver.base, name);
    try {
      out.removed.push({ path, ownerPid: owner.pid, label: owner.label, ...(await driver.attach(name).remove()) });
    } catch (e) {
      out.failed.push({ path, error: (e as Error).message });
    }
  }
  return out;
}
