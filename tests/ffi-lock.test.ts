// ffi-lock.test.ts — the cross-process lock: exclusive while held, released on release, a lock
// left by a dead process is broken, a live holder makes waiters time out with its pid named.
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { acquireLock, acquireLockSync } from "../ffi/lock.ts";

function withDir(fn: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "tb-lock-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test("a held lock excludes others until released", withDir((dir) => {
  const path = join(dir, "x.lock");
  const release = acquireLockSync(path);
  expect(existsSync(path)).toBe(true);
  expect(() => acquireLockSync(path, { timeoutMs: 100, what: "the test resource" })).toThrow(
    new RegExp(`waiting for the lock on the test resource .*held by pid ${process.pid}`),
  );
  release();
  expect(existsSync(path)).toBe(false);
  acquireLockSync(path, { timeoutMs: 100 })();
}));

test("async waiters get the lock in turn, never two at once", withDir(async (dir) => {
  const path = join(dir, "x.lock");
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      const release = await acquireLock(path, { pollMs: 2 });
      inside++;
      most = Math.max(most, inside);
      await Bun.sleep(10);
      inside--;
      release();
    }),
  );
  expect(most).toBe(1);
  expect(existsSync(path)).toBe(false);
}));

test("a lock left by a dead process is broken", withDir(async (dir) => {
  const path = join(dir, "x.lock");
  const dead = Bun.spawn(["true"]);
  await dead.exited;
  writeFileSync(path, JSON.stringify({ pid: dead.pid, host: hostname(), started: Date.now(), token: "dead" }));
  const t0 = Date.now();
  const release = acquireLockSync(path, { timeoutMs: 2_000 });
  expect(Date.now() - t0).toBeLessThan(1_000);
  release();
  expect(existsSync(`${path}.break`)).toBe(false);
}));

test("a lock older than staleMs is broken even if its pid is alive", withDir((dir) => {
  const path = join(dir, "x.lock");
  writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), started: Date.now() - 60_000, token: "old" }));
  acquireLockSync(path, { timeoutMs: 1_000, staleMs: 30_000 })();
}));
