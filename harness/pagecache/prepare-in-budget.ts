// Runs prepare-child.ts inside a run's cgroup (or plainly, when the run has none) and returns
// its page-cache report; any failure becomes an Error that says what went wrong.

import { joinCgroupCommand } from "../budget/join-command.ts";
import type { RunCgroup } from "../budget/run-cgroup.ts";
import type { PageCacheReport } from "./page-cache-state.ts";
import type { PageCacheState } from "./states.ts";

const CHILD = [process.execPath, `${import.meta.dir}/prepare-child.ts`];

export async function preparePageCache(o: { state: PageCacheState; modelDir: string; cgroup: RunCgroup | null }): Promise<PageCacheReport> {
  const command = o.cgroup ? joinCgroupCommand(o.cgroup.procsFile, CHILD) : CHILD;
  const proc = Bun.spawn(command, { stdin: Buffer.from(JSON.stringify({ state: o.state, modelDir: o.modelDir })), stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const line = out.trim().split("\n").at(-1) ?? "";
  let reply: { ok: true; report: PageCacheReport } | { ok: false; error: string } | null = null;
  try {
    reply = JSON.parse(line);
  } catch {
    reply = null;
  }
  if (reply?.ok) return reply.report;
  const why = reply?.error ?? (proc.signalCode ? `killed by ${proc.signalCode}` : `exited with status ${proc.exitCode}: ${err.trim().split("\n").at(-1) ?? ""}`);
  throw new Error(`page cache state "${o.state}" of ${o.modelDir}${o.cgroup ? ` (inside ${o.cgroup.path})` : ""} could not be produced: ${why}`);
}
