// ffi-build.test.ts — building the engine library from the binding: stale detection, a clear
// error without a C compiler, and two processes building into one empty directory at once (the
// lock makes one build and the other wait and reuse it; nothing is left behind).
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureLibrary, libraryIsStale, LIBRARY_FILE, TB_ABI_VERSION } from "../ffi/index.ts";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "tb-ffi-build-"));
}

test("a library is stale when missing or older than any engine source", () => {
  const dir = scratch();
  try {
    const lib = join(dir, LIBRARY_FILE);
    expect(libraryIsStale(lib)).toBe(true);
    writeFileSync(lib, "");
    utimesSync(lib, new Date(0), new Date(0));
    expect(libraryIsStale(lib)).toBe(true);
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(lib, future, future);
    expect(libraryIsStale(lib)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("without a C compiler the build says so and how to get one", () => {
  const dir = scratch();
  try {
    expect(() => ensureLibrary({ buildDir: dir, pathEnv: join(dir, "empty-path") })).toThrow(
      /no C compiler found \(cc or gcc is not on PATH\).*apt-get install build-essential/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("two processes building into one empty directory both load the one library built", async () => {
  const dir = scratch();
  try {
    const child = () =>
      Bun.spawn([process.execPath, join(import.meta.dir, "ffi-build-child.ts")], {
        env: { ...process.env, TIERBENCH_BUILD_DIR: dir },
        stdout: "pipe",
        stderr: "pipe",
      });
    const procs = [child(), child()];
    const results = await Promise.all(
      procs.map(async (p) => {
        const [out, err, code] = [await new Response(p.stdout).text(), await new Response(p.stderr).text(), await p.exited];
        return { out, err, code };
      }),
    );
    for (const r of results) expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: "" });
    const loaded = results.map((r) => JSON.parse(r.out.trim()));
    for (const l of loaded) {
      expect(l.abi).toBe(TB_ABI_VERSION);
      expect(l.path).toBe(join(dir, LIBRARY_FILE));
    }
    expect(loaded[0].inode).toBe(loaded[1].inode); // renamed into place once: one build
    const left = readdirSync(dir).filter((f) => f.startsWith("."));
    expect(left).toEqual([]); // lock, breaker and temporary link all gone
    expect(existsSync(join(dir, LIBRARY_FILE))).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 240_000);
