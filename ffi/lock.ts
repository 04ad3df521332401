// lock.ts — a cross-process lock file (O_EXCL create) for work that must happen once: building
// the engine library, generating a cached model. A lock left by a dead process is broken safely:
// breaking takes a second O_EXCL file and re-checks the lock's owner before removing it.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";

export interface LockOptions {
  /** Give up waiting after this long (default 10 minutes). */
  timeoutMs?: number;
  /** A lock older than this is stale even if its process seems alive (pid reuse); default 30 min. */
  staleMs?: number;
  /** Poll interval while waiting (default 50 ms). */
  pollMs?: number;
  /** What the lock protects, for the timeout message. */
  what?: string;
}

interface Owner {
  pid: number;
  host: string;
  started: number; // ms since epoch
  token: string;
}

export type Release = () => void;

const BREAK_STALE_MS = 10_000; // a breaker holds its file for microseconds; older = it died

function readOwner(path: string): Owner | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Owner;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function isStale(path: string, owner: Owner | null, staleMs: number): boolean {
  // Unreadable content: the owner died between creating and writing it, or is writing now.
  if (!owner) return ageMs(path) > 5_000;
  if (Date.now() - owner.started > staleMs) return true;
  return owner.host === hostname() && !alive(owner.pid);
}

function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {}
}

/** Remove `path` if it is stale. Only a holder of `path.break` may remove a lock it does not own,
 *  and it re-reads the owner first, so a lock taken over in the meantime is never removed. */
function breakIfStale(path: string, staleMs: number): void {
  const breaker = `${path}.break`;
  if (!tryCreate(breaker, String(process.pid))) {
    if (ageMs(breaker) > BREAK_STALE_MS) unlinkQuiet(breaker);
    return;
  }
  try {
    if (isStale(path, readOwner(path), staleMs)) unlinkQuiet(path);
  } finally {
    unlinkQuiet(breaker);
  }
}

function attempt(path: string, staleMs: number): Release | null {
  const owner: Owner = {
    pid: process.pid,
    host: hostname(),
    started: Date.now(),
    token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  };
  if (tryCreate(path, JSON.stringify(owner))) {
    return () => {
      if (readOwner(path)?.token === owner.token) unlinkQuiet(path);
    };
  }
  breakIfStale(path, staleMs);
  return null;
}

function timeoutError(path: string, o: LockOptions): Error {
  const owner = readOwner(path);
  const held = owner ? ` held by pid ${owner.pid} on ${owner.host} since ${new Date(owner.started).toISOString()}` : "";
  return new Error(
    `timed out after ${(o.timeoutMs ?? 600_000) / 1000} s waiting for the lock on ${o.what ?? path} ` +
      `(${path}${held}); if no such process is running, delete the lock file`,
  );
}

/** Take the lock, blocking the thread while waiting (for short critical sections at start-up). */
export function acquireLockSync(path: string, o: LockOptions = {}): Release {
  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  for (;;) {
    const release = attempt(path, o.staleMs ?? 1_800_000);
    if (release) return release;
    if (Date.now() > deadline) throw timeoutError(path, o);
    Bun.sleepSync(o.pollMs ?? 50);
  }
}

/** Take the lock, yielding to the event loop while waiting. */
export async function acquireLock(path: string, o: LockOptions = {}): Promise<Release> {
  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  for (;;) {
    const release = attempt(path, o.staleMs ?? 1_800_000);
    if (release) return release;
    if (Date.now() > deadline) throw timeoutError(path, o);
    await Bun.sleep(o.pollMs ?? 50);
  }
}
