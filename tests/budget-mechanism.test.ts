// Which memory-cgroup mechanism the harness finds, from /proc texts of the machines it meets
// (cgroup v1 as on this project's machines, v2 as root, v2 delegated to a user, none), the
// refusal that names why and how to get one, and the v2 driver on an in-memory tree: the
// harness moves itself into a leaf when its own cgroup holds processes.

import { describe, expect, test } from "bun:test";
import { BudgetRefused, driverFor } from "../harness/budget/budget-driver.ts";
import { prepareV2Base, v2Driver } from "../harness/budget/cgroup-v2.ts";
import { detectMechanism, parseMountinfo, type DetectInput } from "../harness/budget/detect-mechanism.ts";
import { cgroupName, parseCgroupName } from "../harness/budget/owner.ts";
import { sweepStale } from "../harness/budget/stale-sweep.ts";
import { v1Driver } from "../harness/budget/cgroup-v1.ts";
import { FakeCgroupFs, V2_FILES } from "./fixtures/fake-cgroup-fs.ts";

const V1_MOUNTS = `30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;
const V1_CGROUP = "4:memory:/process_api/abc\n0::/\n";
const V2_MOUNTS = "29 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate";
const V2_USER = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope\n";
const V2_DIR = "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope";

function input(o: Partial<DetectInput> & { files?: Record<string, string>; readOnly?: string[] }): DetectInput {
  const fs = new FakeCgroupFs({});
  for (const [p, v] of Object.entries(o.files ?? {})) fs.files.set(p, v);
  for (const p of Object.keys(o.files ?? {})) fs.dirs.add(p.slice(0, p.lastIndexOf("/")));
  for (const p of o.readOnly ?? []) fs.readOnly.add(p);
  return { platform: "linux", uid: 0, cgroupText: "", mountinfoText: "", ...o, fs };
}

describe("detecting the mechanism", () => {
  test("cgroup v1 with a memory hierarchy: the harness's own memory cgroup", () => {
    const dir = "/sys/fs/cgroup/memory/process_api/abc";
    const m = detectMechanism(input({ cgroupText: V1_CGROUP, mountinfoText: V1_MOUNTS, files: { [`${dir}/memory.limit_in_bytes`]: "9223372036854771712" } }));
    expect(m).toEqual({ kind: "v1", own: dir });
  });

  test("a v1 memory cgroup that is not writable is no mechanism, and says so", () => {
    const dir = "/sys/fs/cgroup/memory/process_api/abc";
    const m = detectMechanism(input({ uid: 1000, cgroupText: V1_CGROUP, mountinfoText: V1_MOUNTS, files: { [`${dir}/memory.limit_in_bytes`]: "1" }, readOnly: [dir] }));
    expect(m.kind).toBe("none");
    expect(m.kind === "none" && m.reason).toContain(`${dir} is not writable by uid 1000`);
  });

  test("cgroup v2 with the memory controller: v2 as root, v2-delegated as a user", () => {
    const files = { [`${V2_DIR}/cgroup.controllers`]: "cpu io memory pids\n" };
    expect(detectMechanism(input({ uid: 0, cgroupText: V2_USER, mountinfoText: V2_MOUNTS, files }))).toEqual({ kind: "v2", own: V2_DIR });
    expect(detectMechanism(input({ uid: 1000, cgroupText: V2_USER, mountinfoText: V2_MOUNTS, files }))).toEqual({ kind: "v2-delegated", own: V2_DIR });
  });

  test("cgroup v2 without the memory controller and no v1 hierarchy: none, naming the controllers", () => {
    const m = detectMechanism(input({ cgroupText: V2_USER, mountinfoText: V2_MOUNTS, files: { [`${V2_DIR}/cgroup.controllers`]: "cpu pids\n" } }));
    expect(m).toEqual({ kind: "none", reason: `cgroup v2 at ${V2_DIR} has no memory controller (cgroup.controllers: cpu pids)` });
  });

  test("a container whose cgroup mount exposes only its own subtree maps paths under it", () => {
    const mounts = "50 40 0:31 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory";
    expect(parseMountinfo(mounts)[0]).toMatchObject({ root: "/docker/abc", point: "/sys/fs/cgroup/memory" });
    const m = detectMechanism(input({ cgroupText: "4:memory:/docker/abc/job\n", mountinfoText: mounts, files: { "/sys/fs/cgroup/memory/job/memory.limit_in_bytes": "1" } }));
    expect(m).toEqual({ kind: "v1", own: "/sys/fs/cgroup/memory/job" });
  });

  test("no memory cgroup at all, or not Linux: none", () => {
    expect(detectMechanism(input({ cgroupText: "", mountinfoText: "" })).kind).toBe("none");
    expect(detectMechanism(input({ platform: "darwin" }))).toEqual({ kind: "none", reason: "memory cgroups are Linux-only (this is darwin)" });
  });

  test("without a mechanism the driver is refused with the reason and how to get one", () => {
    let err: unknown;
    try {
      driverFor({ kind: "none", reason: "no memory cgroup controller is mounted" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BudgetRefused);
    const msg = (err as Error).message;
    expect(msg).toContain("no memory budget can be enforced here: no memory cgroup controller is mounted");
    expect(msg).toContain("systemd-run --user --scope -p Delegate=yes");
    expect(msg).toContain("machine.enforce: best-effort");
  });
});

describe("names carry their owner", () => {
  test("a name round-trips; other names are not ours", () => {
    const name = cgroupName({ pid: 123, startTicks: 456 }, "run-7");
    expect(name).toBe("tierbench-123-456-run-7");
    expect(parseCgroupName(name)).toEqual({ pid: 123, startTicks: 456, label: "run-7" });
    expect(parseCgroupName("user.slice")).toBeNull();
    expect(() => cgroupName({ pid: 1, startTicks: 1 }, "Run 7")).toThrow("use lower-case letters, digits and '-'");
  });
});

describe("cgroup v2 on an in-memory tree", () => {
  const self = { pid: 4242, startTicks: 99 };

  test("a harness alone in its cgroup moves into a leaf, then enables memory for the run cgroups", () => {
    const fs = new FakeCgroupFs(V2_FILES);
    fs.addDir(V2_DIR, [self.pid]);
    expect(prepareV2Base(V2_DIR, fs, self)).toBe(V2_DIR);
    const leaf = `${V2_DIR}/tierbench-4242-99-harness`;
    expect(fs.procs(leaf)).toEqual([self.pid]);
    expect(fs.procs(V2_DIR)).toEqual([]);
    expect(fs.read(`${V2_DIR}/cgroup.subtree_control`)).toBe("memory");
    // Next time the harness finds itself in its leaf: the base is the leaf's parent.
    expect(prepareV2Base(leaf, fs, self)).toBe(V2_DIR);
  });

  test("other processes in the harness's cgroup: refused, saying how to give it a cgroup of its own", () => {
    const fs = new FakeCgroupFs(V2_FILES);
    fs.addDir(V2_DIR, [self.pid, 777]);
    expect(() => prepareV2Base(V2_DIR, fs, self)).toThrow("other processes share the harness's cgroup");
  });

  test("a run cgroup gets memory.max, no swap and group OOM kills, and is removed", async () => {
    const fs = new FakeCgroupFs(V2_FILES);
    fs.addDir(V2_DIR);
    fs.files.set(`${V2_DIR}/cgroup.subtree_control`, "memory");
    const driver = v2Driver(V2_DIR, true, fs);
    expect(driver.kind).toBe("v2-delegated");
    const cg = driver.create("tierbench-1-2-run-0", 256 * 2 ** 20);
    expect(cg.limitBytes).toBe(256 * 2 ** 20);
    expect(fs.read(`${cg.path}/memory.swap.max`)).toBe("0");
    expect(fs.read(`${cg.path}/memory.oom.group`)).toBe("1");
    fs.files.set(`${cg.path}/memory.events`, "max 12\noom 1\noom_kill 1\n");
    fs.files.set(`${cg.path}/memory.stat`, "anon 1000\nfile 5000\npgmajfault 3\n");
    fs.files.set(`${cg.path}/memory.current`, "6000");
    expect(cg.read()).toEqual({ usageBytes: 6000, peakBytes: 0, limitHits: 12, oomKills: 1, fileBytes: 5000, anonBytes: 1000, majorFaults: 3 });
    expect(await cg.remove()).toEqual({ killed: 0, emptied: false, note: "memory.reclaim is not available (Linux < 5.19)" });
    expect(fs.exists(cg.path)).toBe(false);
  });
});

describe("the stale sweep", () => {
  test("removes cgroups whose owner is gone, keeps live owners' and anything not ours", async () => {
    const fs = new FakeCgroupFs({ "memory.limit_in_bytes": "268435456", "memory.force_empty": "" });
    const base = "/sys/fs/cgroup/memory/h";
    fs.addDir(base);
    for (const name of ["tierbench-10-5-run-0", "tierbench-11-6-overhead-1", "tierbench-12-7-run-3", "somebody-else"]) fs.addDir(`${base}/${name}`);
    const alive = (o: { pid: number }) => o.pid === 12;
    const swept = await sweepStale(v1Driver(base, fs), { fs, alive });
    expect(swept.removed.map((r) => [r.ownerPid, r.label, r.emptied])).toEqual([[10, "run-0", true], [11, "overhead-1", true]]);
    expect(fs.list(base).sort()).toEqual(["somebody-else", "tierbench-12-7-run-3"]);
    expect(fs.writes.filter(([p]) => p.endsWith("memory.force_empty")).length).toBe(2);
  });
});
