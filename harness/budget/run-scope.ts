// Everything around one run's child: its cgroup made with the run's limit, the page-cache state
// produced inside it, the child started inside it, the measured window's counters and noise
// judged, residency sampled before and after, and the cgroup removed — whatever happened to
// the child. The sweep calls openRunScope → command → observe… → end.

import os from "node:os";
import type { ChildMessage } from "../run/child-protocol.ts";
import type { ProcessCounters } from "../counters/process-counters.ts";
import { runCounters } from "../counters/run-counters.ts";
import { runnableThreads } from "../counters/runnable-threads.ts";
import { systemSnapshot, type SystemSnapshot } from "../counters/system-snapshot.ts";
import { judgeNoise } from "../counters/noise.ts";
import { modelResidency, type ModelResidency } from "../pagecache/page-cache-files.ts";
import type { PageCacheReport } from "../pagecache/page-cache-state.ts";
import type { PageCacheState } from "../pagecache/states.ts";
import { preparePageCache } from "../pagecache/prepare-in-budget.ts";
import type { BudgetComposition } from "./compose-budget.ts";
import { joinCgroupCommand } from "./join-command.ts";
import { cgroupName, selfOwner } from "./owner.ts";
import type { CgroupDriver, CgroupReading, RemoveReport, RunCgroup } from "./run-cgroup.ts";
import type { RunEnvironment } from "./run-environment.ts";

export interface ScopeOptions {
  driver: CgroupDriver | null;          // null: the run has no cgroup (budget not enforced)
  notEnforcedReason?: string;
  label: string;                        // the cgroup's label, unique within this harness process
  limitBytes: number | null;
  composition: BudgetComposition | null;
  pageCacheState: PageCacheState;
  modelDir: string;
  device?: string | null;               // the model's disk, for others' traffic
  readAheadKb?: number | null;
  cores?: number;
  samplePeriodMs?: number;              // runnable-thread and cgroup sampling (default 100 ms)
}

export interface RunScope {
  readonly cgroup: RunCgroup | null;
  /** The command that runs `base` inside the run's cgroup. */
  command(base: readonly string[]): string[];
  /** Every protocol message of the child; its counters messages open and close the window. */
  observe(m: ChildMessage): void;
  /** Once the child has exited: read and remove the cgroup, and assemble the record. */
  end(engineStats?: Record<string, number> | null): Promise<RunEnvironment>;
}

export const AS_IS_WITH_BUDGET =
  "machine.page_cache_state: as-is cannot be used with a memory budget: pages cached before the run are charged " +
  "outside its cgroup, so the budget would not bound them; use cold or warm, or machine.enforce: best-effort to run as-is without a budget";

export async function openRunScope(o: ScopeOptions): Promise<RunScope> {
  if (o.pageCacheState === "as-is" && o.driver) throw new Error(AS_IS_WITH_BUDGET);
  const cgroup = o.driver ? o.driver.create(cgroupName(selfOwner(), o.label), o.limitBytes) : null;
  let prepared: PageCacheReport | null = null;
  let before: ModelResidency;
  let chargedBefore: number | null;
  try {
    if (o.pageCacheState !== "as-is") prepared = await preparePageCache({ state: o.pageCacheState, modelDir: o.modelDir, cgroup });
    before = modelResidency(o.modelDir);
    chargedBefore = cgroup?.read().fileBytes ?? null;
  } catch (e) {
    await cgroup?.remove(); // a scope that does not open leaves nothing behind
    throw e;
  }
  // Pressure stalls: v2 keeps them per cgroup; v1 has only the system-wide /proc/pressure.
  const psiDir = cgroup && cgroup.kind !== "v1" ? cgroup.path : undefined;
  const snap = () => systemSnapshot({ device: o.device ?? null, psiDir });

  let window: { start: SystemSnapshot; proc: ProcessCounters } | null = null;
  let closed: { end: SystemSnapshot; proc: ProcessCounters } | null = null;
  const runnable: number[] = [];
  let overhead = 0;
  const sample = () => {
    if (window && !closed) {
      const n = runnableThreads();
      if (n !== null) runnable.push(n);
    }
    if (cgroup) {
      try {
        const r = cgroup.read();
        overhead = Math.max(overhead, r.usageBytes - r.fileBytes);
      } catch {
        // the cgroup is being removed
      }
    }
  };
  const timer = setInterval(sample, o.samplePeriodMs ?? 100);

  return {
    cgroup,
    command: (base) => (cgroup ? joinCgroupCommand(cgroup.procsFile, base) : [...base]),
    observe(m) {
      if (m.type !== "counters") return;
      if (m.at === "start" && !window) window = { start: snap(), proc: m.process };
      else if (m.at === "end" && window && !closed) closed = { end: snap(), proc: m.process };
    },
    async end(engineStats) {
      clearInterval(timer);
      sample();
      let reading: CgroupReading | null = null;
      let after = before.residentBytes;
      let removed: RemoveReport | null = null;
      try {
        reading = cgroup?.read() ?? null;
        after = modelResidency(o.modelDir).residentBytes;
      } finally {
        removed = (await cgroup?.remove()) ?? null;
      }
      const counters = window
        ? runCounters({
            start: window.start, end: closed?.end ?? snap(), procStart: window.proc, procEnd: closed?.proc ?? null, runnable,
            readAheadKb: o.readAheadKb ?? null, engineStats, psiScope: psiDir ? "cgroup" : "system",
          })
        : null;
      const noise = counters && closed
        ? judgeNoise({
            stealShare: counters.stealShare, ownDiskBytes: counters.disk?.ownBytes ?? null, othersDiskBytes: counters.disk?.othersBytes ?? null,
            runnable, cores: o.cores ?? os.cpus().length,
          })
        : null;
      const flags = [...(cgroup ? [] : ["budget not enforced"]), ...(noise?.noisy ? ["noisy"] : [])];
      return {
        budget: {
          enforced: cgroup !== null,
          mechanism: cgroup?.kind ?? "none",
          ...(cgroup ? {} : { notEnforcedReason: o.notEnforcedReason ?? "no memory cgroup" }),
          composition: o.composition,
          limitBytes: cgroup?.limitBytes ?? null,
          peakBytes: reading?.peakBytes ?? null,
          limitHits: reading?.limitHits ?? null,
          oomKills: reading?.oomKills ?? null,
          observedOverheadBytes: cgroup ? overhead : null,
          removed,
        },
        pageCache: {
          state: o.pageCacheState,
          prepared,
          modelBytes: before.bytes,
          residentFileBytes: before.files.find((f) => f.name === "resident.bin")?.bytes ?? 0,
          residentBeforeBytes: before.residentBytes,
          residentAfterBytes: after,
          chargedBeforeBytes: chargedBefore,
          chargedAfterBytes: reading?.fileBytes ?? null,
        },
        counters,
        noise,
        flags,
      };
    },
  };
}
