// engine-c.test.ts — the C engine's own test driver (engine-c/tests, build/tb_test) inside
// `bun test`: it is built once, then every C test runs as its own bun test in its own process,
// so a C failure or crash shows up by name.
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINE_DIR, withBuildLock } from "../ffi/build.ts";

const buildDir = join(ENGINE_DIR, "build");
const driver = join(buildDir, "tb_test");

// Built under the same lock as the binding's library builds into engine-c/build.
const build = withBuildLock(buildDir, "building the C test driver", undefined, () =>
  Bun.spawnSync(["make", "-C", ENGINE_DIR, "-s", "build/tb_test"], { stdout: "pipe", stderr: "pipe" }),
);
const buildOutput = (build.stdout.toString() + build.stderr.toString()).trim();

if (build.exitCode !== 0) {
  test("C test driver builds", () => {
    throw new Error(`make -C engine-c build/tb_test failed (exit ${build.exitCode}):\n${buildOutput}`);
  });
} else {
  const names = Bun.spawnSync([driver, "--list"]).stdout.toString().split("\n").filter(Boolean);
  test("C test driver lists its tests", () => {
    expect(names.length).toBeGreaterThan(0);
  });
  for (const name of names) {
    test(`C: ${name}`, () => {
      const scratch = mkdtempSync(join(tmpdir(), "tb-ctest-"));
      try {
        const r = Bun.spawnSync([driver, `=${name}`], {
          env: { ...process.env, TB_TEST_TMP: scratch },
          stdout: "pipe",
          stderr: "pipe",
        });
        const out = r.stdout.toString();
        const detail = `${out}${r.stderr.toString()}${r.signalCode ? `\nkilled by ${r.signalCode}` : ""}`;
        expect({ exit: r.exitCode, passed: out.includes(`ok   ${name}\n`), detail }).toEqual({
          exit: 0,
          passed: true,
          detail,
        });
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }, 300_000);
  }
}
