// Where the third-party research traces live: ../shared/traces beside the repository root.
// They are read in place and never copied into the project; TB_SHARED_TRACES overrides the
// location (for a checkout that is not beside them, e.g. a git worktree).

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const REPO_ROOT = resolve(import.meta.dir, "..", "..");

export function sharedTracesDir(): string {
  return process.env.TB_SHARED_TRACES || join(REPO_ROOT, "..", "shared", "traces");
}

/** The path of a shared trace file or folder; throws a clear error when it is not there. */
export function sharedTrace(...parts: string[]): string {
  const dir = sharedTracesDir();
  const path = join(dir, ...parts);
  if (!existsSync(path))
    throw new Error(`${path} is missing: the shared research traces are expected in ${dir} ` +
      "(../shared/traces beside the repository root, or set TB_SHARED_TRACES)");
  return path;
}
