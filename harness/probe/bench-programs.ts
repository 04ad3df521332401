// The engine's benchmark programs (engine-c/bench/*.c): built on demand into the engine's build
// directory under its build lock, run with arguments, and their JSON-lines output parsed.

import { join } from "node:path";
import { defaultBuildDir, ENGINE_DIR, withBuildLock } from "../../ffi/build.ts";

export type BenchProgram = "bench_io" | "bench_mem" | "bench_kernels";

/** Path of a current build of the program (make is incremental: cheap when nothing changed). */
export function benchProgram(name: BenchProgram, buildDir = defaultBuildDir()): string {
  const path = join(buildDir, "bench", name);
  withBuildLock(buildDir, `building ${path}`, undefined, () => {
    const r = Bun.spawnSync(["make", "-C", ENGINE_DIR, "-s", `BUILD=${buildDir}`, path], { stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0)
      throw new Error(`building ${name} failed (make -C ${ENGINE_DIR}, exit ${r.exitCode}):\n${(r.stdout.toString() + r.stderr.toString()).trim()}`);
  });
  return path;
}

/** Runs a benchmark program to the end; its stdout, or an error carrying its stderr. */
export function runBench(name: BenchProgram, args: readonly string[], o: { timeoutMs?: number; buildDir?: string } = {}): string {
  const exe = benchProgram(name, o.buildDir);
  const r = Bun.spawnSync([exe, ...args], { stdout: "pipe", stderr: "pipe", timeout: o.timeoutMs ?? 600_000 });
  if (r.exitCode !== 0)
    throw new Error(`${name} ${args.join(" ")} failed (exit ${r.exitCode ?? r.signalCode}): ${r.stderr.toString().trim()}`);
  return r.stdout.toString();
}

/** The JSON objects of a JSON-lines text (other lines, e.g. headers, are skipped). */
export function jsonLines<T>(text: string): T[] {
  return text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as T);
}
