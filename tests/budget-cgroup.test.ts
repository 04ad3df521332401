// Run cgroups on this machine's real mechanism: a process started inside is charged there from
// its first byte; a child SIGKILLed mid-run leaves no cgroup once its scope ends; a SIGKILLed
// harness leaves one that the next harness start sweeps (leftover processes killed), while a
// live harness's cgroups are left alone. Without any memory cgroup: the refusal instead.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { diskTmpDir } from "./fixtures/disk-tmp.ts";
import { ensureModel } from "../ffi/index.ts";
import { BudgetRefused, driverFor } from "../harness/budget/budget-driver.ts";
import { openBudgets } from "../harness/budget/budgets.ts";
import { realCgroupFs } from "../harness/budget/cgroup-fs.ts";
import { detectMechanism } from "../harness/budget/detect-mechanism.ts";
import { joinCgroupCommand } from "../harness/budget/join-command.ts";
import { cgroupName, selfOwner } from "../harness/budget/owner.ts";
import { pidsIn } from "../harness/budget/run-cgroup.ts";
import { openRunScope } from "../harness/budget/run-scope.ts";
import { runChild } from "../harness/run/run-child.ts";

const mechanism = detectMechanism();
const MiB = 2 ** 20;
/** Running (a zombie waiting for its new parent to reap it is not). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
};

if (mechanism.kind === "none") {
  test("without a memory cgroup a strict budget refuses, saying why and how to get one", async () => {
    const budgets = await openBudgets();
    const request = { enforce: "strict", pageCacheState: "cold", pageCacheBytes: 64 * MiB, residentBytes: 16 * MiB, recordBytes: 4096, layers: 2 } as const;
    expect(() => budgets.check([request])).toThrow(BudgetRefused);
    expect(budgets.refusal).toContain(mechanism.reason);
    expect(() => budgets.check([{ ...request, enforce: "best-effort" }])).not.toThrow();
  });
} else {
  const driver = driverFor(mechanism);
  const root = diskTmpDir("budget-cgroup");
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  describe(`run cgroups (${mechanism.kind})`, () => {
    test("a process started inside is charged there, the limit is held page-rounded, removal leaves nothing", async () => {
      const cg = driver.create(cgroupName(selfOwner(), "charge-0"), 100 * MiB + 123);
      try {
        expect(cg.limitBytes).toBe(100 * MiB); // the kernel rounds down to whole pages
        // 32 MiB touched by the child: anonymous memory charged to the run, not to the harness.
        const p = Bun.spawn(joinCgroupCommand(cg.procsFile, [process.execPath, "-e", "const b = Buffer.alloc(32 * 2 ** 20, 1); console.log(b[7]); await Bun.stdin.text()"]), { stdin: "pipe", stdout: "pipe" });
        const reader = p.stdout.getReader();
        await reader.read(); // the child has touched its buffer
        expect(pidsIn(realCgroupFs, cg.path)).toEqual([p.pid]);
        const r = cg.read();
        expect(r.anonBytes).toBeGreaterThanOrEqual(32 * MiB);
        expect(r.usageBytes).toBeGreaterThanOrEqual(r.anonBytes);
        p.stdin.end();
        await p.exited;
      } finally {
        await cg.remove();
      }
      expect(existsSync(cg.path)).toBe(false);
    });

    test("a child SIGKILLed mid-run: recorded as killed, and its cgroup is gone once the scope ends", async () => {
      const model = await ensureModel({ preset: "tiny", seed: 3 }, { root, threads: 1 });
      const scope = await openRunScope({ driver, label: "killed-0", limitBytes: 256 * MiB, composition: null, pageCacheState: "cold", modelDir: model.dir });
      const path = scope.cgroup!.path;
      expect(existsSync(path)).toBe(true);
      let pid = 0;
      const outcome = await runChild({
        input: { engine: { "model.dir": model.dir, "run.tokens": 10_000, "fault.stage": "dense", "fault.sleep_ms": 5 }, stepMs: 50 },
        command: scope.command([process.execPath, join(import.meta.dir, "../harness/run/child.ts")]),
        onMessage: (m) => scope.observe(m),
        onProgress: () => {
          if (pid) return;
          pid = pidsIn(realCgroupFs, path)[0]!;
          process.kill(pid, "SIGKILL");
        },
      });
      const env = await scope.end(null);
      expect(outcome.status === "failed" && outcome.failure).toMatchObject({ kind: "signal", signal: "SIGKILL" });
      expect(existsSync(path)).toBe(false);
      expect(env.budget.removed).toMatchObject({ killed: 0 });
      expect(env.counters?.process).toBeNull(); // the window was opened, never closed
      expect(env.noise).toBeNull();
    });

    test("a SIGKILLed harness leaves its cgroup to the next harness start, which removes it and kills what is left inside", async () => {
      const harness = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures/budget-harness.ts")], { stdout: "pipe", stderr: "inherit" });
      const { value } = await harness.stdout.getReader().read();
      const left = JSON.parse(new TextDecoder().decode(value)) as { cgroup: string; pid: number };
      harness.kill("SIGKILL");
      await harness.exited;
      expect(existsSync(left.cgroup)).toBe(true);
      expect(alive(left.pid)).toBe(true); // `sleep` does not die with its parent

      const live = driver.create(cgroupName(selfOwner(), "live-0"), null); // this harness is alive
      try {
        const budgets = await openBudgets(); // harness start
        expect(budgets.stale.failed).toEqual([]);
        expect(budgets.stale.removed).toContainEqual(expect.objectContaining({ path: left.cgroup, ownerPid: harness.pid, label: "run-0", killed: 1 }));
        expect(budgets.stale.removed.map((r) => r.path)).not.toContain(live.path);
        expect(existsSync(left.cgroup)).toBe(false);
        expect(existsSync(live.path)).toBe(true);
        for (let i = 0; i < 100 && alive(left.pid); i++) await Bun.sleep(10);
        expect(alive(left.pid)).toBe(false);
      } finally {
        await live.remove();
      }
    });
  });
}
