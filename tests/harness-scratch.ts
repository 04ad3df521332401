// Temporary directories for harness tests, removed when the tests of the file that asked for
// them have ended.
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Call at the top level of a test file; returns a function that makes a scratch directory. */
export function scratchDirs(): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tierbench-harness-"));
    made.push(dir);
    return dir;
  };
}
