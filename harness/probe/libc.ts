// The few Linux libc calls the harness needs and neither Bun nor Node exposes, through
// bun:ffi: posix_fadvise (drop a file's cached pages) and prctl (die with the parent).
// Elsewhere these are no-ops that report they did nothing.

import { dlopen } from "bun:ffi";

const POSIX_FADV_DONTNEED = 4;
const PR_SET_PDEATHSIG = 1;
const SIGKILL = 9;

const libc = (() => {
  if (process.platform !== "linux") return null;
  try {
    return dlopen("libc.so.6", {
      posix_fadvise: { args: ["i32", "i64", "i64", "i32"], returns: "i32" },
      prctl: { args: ["i32", "u64", "u64", "u64", "u64"], returns: "i32" },
    }).symbols;
  } catch {
    return null;
  }
})();

/** Asks the kernel to drop the clean cached pages of an open file; true when it accepted. */
export function dropCachedPages(fd: number): boolean {
  return libc !== null && libc.posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) === 0;
}

/** Makes the kernel SIGKILL this process when its parent dies, so a killed harness leaves
 * no orphaned run behind. */
export function dieWithParent(): boolean {
  return libc !== null && libc.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) === 0;
}
