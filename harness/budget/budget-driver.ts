// From a detected mechanism to the driver that makes run cgroups — or a refusal that says why
// there is none and how to get one.

import { realCgroupFs, type CgroupFs } from "./cgroup-fs.ts";
import { v1Driver } from "./cgroup-v1.ts";
import { v2Driver } from "./cgroup-v2.ts";
import { HOW_TO_GET_A_BUDGET, type Mechanism } from "./detect-mechanism.ts";
import type { CgroupDriver } from "./run-cgroup.ts";

export class BudgetRefused extends Error {
  override name = "BudgetRefused";
}

export function driverFor(m: Mechanism, fs: CgroupFs = realCgroupFs): CgroupDriver {
  const refuse = (reason: string) => new BudgetRefused(`no memory budget can be enforced here: ${reason}. To get one: ${HOW_TO_GET_A_BUDGET}`);
  if (m.kind === "none") throw refuse(m.reason);
  if (m.kind === "v1") return v1Driver(m.own, fs);
  try {
    return v2Driver(m.own, m.kind === "v2-delegated", fs);
  } catch (e) {
    throw refuse((e as Error).message);
  }
}
