// build.ts — makes sure a current engine library exists: rebuilds it when missing or older than
// any engine source, header or the Makefile, under a lock so concurrent processes build once,
// linking to a temporary name and renaming it into place so no process ever loads a half-written file.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { acquireLockSync } from "./lock.ts";

/** engine-c/, the C engine's source tree. */
export const ENGINE_DIR = resolve(import.meta.dir, "../engine-c");

export const LIBRARY_FILE = process.platform === "darwin" ? "libtierbench.dylib" : "libtierbench.so";

export interface BuildOptions {
  /** Where objects and the library go; default $TIERBENCH_BUILD_DIR, else engine-c/build. */
  buildDir?: string;
  /** PATH to search for make and the C compiler; default process.env.PATH. */
  pathEnv?: string;
  /** Give up waiting for another process's build after this long (default 10 minutes). */
  lockTimeoutMs?: number;
}

export function defaultBuildDir(): string {
  return process.env.TIERBENCH_BUILD_DIR || join(ENGINE_DIR, "build");
}

/** Newest modification time (ms) of everything the library is built from. */
function newestSourceMtime(): number {
  let newest = statSync(join(ENGINE_DIR, "Makefile")).mtimeMs;
  for (const sub of ["src", "include"]) {
    const root = join(ENGINE_DIR, sub);
    for (const rel of readdirSync(root, { recursive: true }) as string[]) {
      if (!rel.endsWith(".c") && !rel.endsWith(".h")) continue;
      newest = Math.max(newest, statSync(join(root, rel)).mtimeMs);
    }
  }
  return newest;
}

/** Missing, or older than a source: needs a build. */
export function libraryIsStale(libPath: string): boolean {
  if (!existsSync(libPath)) return true;
  return statSync(libPath).mtimeMs < newestSourceMtime();
}

function which(cmd: string, pathEnv: string): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, cmd);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return null;
}

/** The C compiler make should use: $CC if set, else cc, else gcc. */
function findCompiler(pathEnv: string): string {
  const fromEnv = process.env.CC?.trim().split(/\s+/)[0];
  for (const cc of fromEnv ? [fromEnv] : ["cc", "gcc"]) {
    const found = cc.includes("/") ? (existsSync(cc) ? cc : null) : which(cc, pathEnv);
    if (found) return found;
  }
  throw new Error(
    `no C compiler found (${fromEnv ? `$CC=${fromEnv}` : "cc or gcc"} is not on PATH): the tierbench engine ` +
      `(engine-c/) is C and must be compiled once. Install one (Debian/Ubuntu: apt-get install build-essential; ` +
      `macOS: xcode-select --install), or point $CC at a compiler, then run again.`,
  );
}

/** Path of a current library, building it first when needed. Throws with make's output on failure. */
export function ensureLibrary(o: BuildOptions = {}): string {
  const buildDir = resolve(o.buildDir ?? defaultBuildDir());
  const lib = join(buildDir, LIBRARY_FILE);
  if (!libraryIsStale(lib)) return lib;

  const pathEnv = o.pathEnv ?? process.env.PATH ?? "";
  const cc = findCompiler(pathEnv);
  const make = which("make", pathEnv);
  if (!make) throw new Error("`make` is not on PATH: it is needed to build the tierbench engine (engine-c/Makefile)");

  return withBuildLock(buildDir, `building ${lib}`, o.lockTimeoutMs, () => {
    if (!libraryIsStale(lib)) return lib; // another process built it while we waited
    const tmp = join(buildDir, `.${LIBRARY_FILE}.${process.pid}.tmp`);
    // Objects are built incrementally in buildDir (safe: we hold the lock); only the link goes
    // to a temporary name. LIB= overrides the Makefile's library path.
    const r = Bun.spawnSync([make, "-C", ENGINE_DIR, `CC=${cc}`, `BUILD=${buildDir}`, `LIB=${tmp}`, tmp], {
      env: { ...process.env, PATH: pathEnv },
      stdout: "pipe",
      stderr: "pipe",
    });
    if (r.exitCode !== 0) {
      try {
        unlinkSync(tmp);
      } catch {}
      const out = (r.stdout.toString() + r.stderr.toString()).trim().split("\n").slice(-30).join("\n");
      throw new Error(`building the tierbench engine failed (make -C ${ENGINE_DIR}, exit ${r.exitCode}):\n${out}`);
    }
    renameSync(tmp, lib);
    return lib;
  });
}

/** Run fn holding buildDir's build lock: every make into one build directory goes through it. */
export function withBuildLock<T>(buildDir: string, what: string, timeoutMs: number | undefined, fn: () => T): T {
  mkdirSync(buildDir, { recursive: true });
  const release = acquireLockSync(join(buildDir, ".build.lock"), { timeoutMs, what });
  try {
    return fn();
  } finally {
    release();
  }
}
