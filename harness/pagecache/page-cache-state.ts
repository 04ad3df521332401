// Puts a model's files in a page-cache state, from inside the process's memory cgroup:
// cold — dirty pages synced, every page dropped (posix_fadvise DONTNEED), verified by mincore;
// warm — cold first, then the files pre-read, so the pages are charged to this cgroup;
// as-is — untouched, only measured.

import type { PageCacheState } from "./states.ts";
import { dropFile, modelFiles, modelResidency, prereadFile, residentBytes } from "./page-cache-files.ts";


export interface PageCacheReport {
  state: PageCacheState;
  modelBytes: number;
  residentBeforeBytes: number;  // before anything was done
  droppedBytes: number;         // resident bytes the drop removed (cold, warm)
  prereadBytes: number;         // bytes pre-read (warm)
  residentBytes: number;        // after: 0 when cold; what the budget kept when warm
  seconds: number;
}

const DROP_ATTEMPTS = 3; // pages under writeback when the first drop ran go on a later one

async function dropVerified(files: string[]): Promise<void> {
  for (const path of files) {
    let left = 0;
    for (let attempt = 0; attempt < DROP_ATTEMPTS; attempt++) {
      dropFile(path);
      left = residentBytes(path);
      if (left === 0) break;
      await Bun.sleep(50);
    }
    if (left > 0)
      throw new Error(`${path}: ${left} bytes are still in the page cache after posix_fadvise(DONTNEED): ` +
        "a process keeps them mapped (another run, a program reading the model); stop it and retry");
  }
}

export async function producePageCacheState(state: PageCacheState, modelDir: string): Promise<PageCacheReport> {
  const t0 = performance.now();
  const files = modelFiles(modelDir);
  const before = modelResidency(modelDir);
  let prereadBytes = 0;
  if (state !== "as-is") await dropVerified(files);
  if (state === "warm") for (const f of files) prereadBytes += prereadFile(f);
  const after = state === "cold" ? 0 : modelResidency(modelDir).residentBytes;
  return {
    state,
    modelBytes: before.bytes,
    residentBeforeBytes: before.residentBytes,
    droppedBytes: state === "as-is" ? 0 : before.residentBytes,
    prereadBytes,
    residentBytes: after,
    seconds: (performance.now() - t0) / 1e3,
  };
}
