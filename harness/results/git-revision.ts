// The source revision a result was measured with: commit id and whether tracked files
// differed from it (untracked files do not count). Null fields outside a git checkout.

export interface GitRevision {
  revision: string | null;
  dirty: boolean | null;
}

export function gitRevision(cwd = process.cwd()): GitRevision {
  const git = (...args: string[]) => {
    const r = Bun.spawnSync(["git", ...args], { cwd, stdout: "pipe", stderr: "ignore" });
    return r.exitCode === 0 ? r.stdout.toString().trim() : null;
  };
  const revision = git("rev-parse", "HEAD");
  if (revision === null) return { revision: null, dirty: null };
  const status = git("status", "--porcelain", "--untracked-files=no");
  return { revision, dirty: status === null ? null : status.length > 0 };
}
