// Which memory-cgroup mechanism this harness can enforce a budget with: cgroup v2 (root), a
// delegated v2 subtree (a normal user), cgroup v1's memory controller, or none — then with the
// reason and how to get one. Reads /proc/self/cgroup and /proc/self/mountinfo only.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { realCgroupFs, type CgroupFs } from "./cgroup-fs.ts";

export type MechanismKind = "v1" | "v2" | "v2-delegated";

export type Mechanism =
  | { kind: MechanismKind; own: string } // own: the harness's memory cgroup directory
  | { kind: "none"; reason: string };

export interface DetectInput {
  platform: string;
  uid: number;
  cgroupText: string;     // /proc/self/cgroup
  mountinfoText: string;  // /proc/self/mountinfo
  fs: CgroupFs;
}

export const HOW_TO_GET_A_BUDGET =
  "run as root on Linux with the memory cgroup controller (v1 or v2); as a normal user on cgroup v2, " +
  "start the harness in a delegated cgroup (systemd-run --user --scope -p Delegate=yes bun run experiment <file>); " +
  'or set machine.enforce: best-effort to run without a budget, flagged "budget not enforced"';

interface Mount { root: string; point: string; fstype: string; superOptions: string[] }

// Mount points escape space, tab, newline and backslash as \ooo.
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split("\n")) {
    const dash = line.indexOf(" - ");
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(" ");
    const right = line.slice(dash + 3).split(" ");
    if (left.length < 5 || right.length < 3) continue;
    mounts.push({ root: unescape(left[3]!), point: unescape(left[4]!), fstype: right[0]!, superOptions: right[2]!.split(",") });
  }
  return mounts;
}

/** /proc/self/cgroup: hierarchy id, controllers ("" for v2) and path per line. */
export function parseProcCgroup(text: string): { controllers: string[]; path: string }[] {
  return text.split("\n").filter(Boolean).map((line) => {
    const [, controllers = "", ...rest] = line.split(":");
    return { controllers: controllers ? controllers.split(",") : [], path: rest.join(":") };
  });
}

/** The directory of cgroup `path` under a mount that exposes `root` of its hierarchy. */
function dirUnder(m: Mount, path: string): string | null {
  if (m.root !== "/" && path !== m.root && !path.startsWith(`${m.root}/`)) return null;
  return join(m.point, m.root === "/" ? path : path.slice(m.root.length));
}

export function detectMechanism(input: DetectInput = systemInput()): Mechanism {
  if (input.platform !== "linux") return { kind: "none", reason: `memory cgroups are Linux-only (this is ${input.platform})` };
  const mounts = parseMountinfo(input.mountinfoText);
  const lines = parseProcCgroup(input.cgroupText);
  const problems: string[] = [];

  const v2line = lines.find((l) => l.controllers.length === 0 && l.path.startsWith("/"));
  const v2mount = mounts.find((m) => m.fstype === "cgroup2");
  if (v2line && v2mount) {
    const dir = dirUnder(v2mount, v2line.path);
    const controllers = dir && input.fs.exists(join(dir, "cgroup.controllers")) ? input.fs.read(join(dir, "cgroup.controllers")).trim().split(/\s+/) : [];
    if (dir && controllers.includes("memory")) {
      if (input.fs.writable(dir)) return { kind: input.uid === 0 ? "v2" : "v2-delegated", own: dir };
      problems.push(`the cgroup v2 directory ${dir} is not writable by uid ${input.uid} (not delegated to this user)`);
    } else if (dir) problems.push(`cgroup v2 at ${dir} has no memory controller (cgroup.controllers: ${controllers.join(" ") || "none"})`);
  }

  const v1line = lines.find((l) => l.controllers.includes("memory"));
  const v1mount = mounts.find((m) => m.fstype === "cgroup" && m.superOptions.includes("memory"));
  if (v1line && v1mount) {
    const dir = dirUnder(v1mount, v1line.path);
    if (dir && input.fs.exists(join(dir, "memory.limit_in_bytes"))) {
      if (input.fs.writable(dir)) return { kind: "v1", own: dir };
      problems.push(`the cgroup v1 memory directory ${dir} is not writable by uid ${input.uid}`);
    } else problems.push(`this process's cgroup v1 memory directory ${dir ?? v1line.path} is not visible under ${v1mount.point}`);
  }
  if (problems.length === 0) problems.push("no memory cgroup controller is mounted (neither a cgroup v2 memory controller nor a cgroup v1 memory hierarchy)");
  return { kind: "none", reason: problems.join("; ") };
}

function systemInput(): DetectInput {
  const read = (p: string) => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return "";
    }
  };
  return {
    platform: process.platform,
    uid: process.getuid?.() ?? -1,
    cgroupText: read("/proc/self/cgroup"),
    mountinfoText: read("/proc/self/mountinfo"),
    fs: realCgroupFs,
  };
}
