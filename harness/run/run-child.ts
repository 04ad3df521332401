// Runs one run in a fresh child process and turns whatever happens to it — a result, an
// engine error, a signal, a non-zero exit, a timeout — into one outcome. An abort (Ctrl-C)
// kills the child and reports "interrupted", which the sweep never records.

import type { RunFailure, RunSamples } from "../results/run-record.ts";
import { parseChildLine, type ChildInput, type ChildMessage } from "./child-protocol.ts";

export const CHILD_COMMAND = [process.execPath, `${import.meta.dir}/child.ts`];

export interface RunChildOptions {
  input: ChildInput;
  command?: readonly string[];     // default: bun harness/run/child.ts
  timeoutS?: number;               // wall-clock limit of the whole child (default 600 s)
  signal?: AbortSignal;            // aborting kills the child
  onProgress?: (p: Extract<ChildMessage, { type: "progress" }>) => void;
  onMessage?: (m: ChildMessage) => void; // every protocol message (the run's budget scope reads counters)
}

export type ChildOutcome =
  | { status: "ok"; samples: RunSamples; abi: number | null }
  | { status: "failed"; failure: RunFailure; samples: RunSamples | null; abi: number | null }
  | { status: "interrupted" };

const STDERR_TAIL = 2000; // characters of the child's stderr kept with a failure

export async function runChild(o: RunChildOptions): Promise<ChildOutcome> {
  if (o.signal?.aborted) return { status: "interrupted" }; // e.g. Ctrl-C while the run's budget was being prepared
  const proc = Bun.spawn([...(o.command ?? CHILD_COMMAND)], {
    stdin: Buffer.from(JSON.stringify(o.input)),
    stdout: "pipe",
    stderr: "pipe",
  });
  let timedOut = false;
  const kill = () => proc.kill("SIGKILL");
  const timer = setTimeout(() => ((timedOut = true), kill()), (o.timeoutS ?? 600) * 1e3);
  o.signal?.addEventListener("abort", kill, { once: true });

  let result: Extract<ChildMessage, { type: "result" }> | null = null;
  let abi: number | null = null;
  let lastTokens = 0;
  const readStdout = (async () => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of proc.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const msg = parseChildLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        if (msg) o.onMessage?.(msg);
        if (msg?.type === "opened") abi = msg.abi;
        else if (msg?.type === "progress") ((lastTokens = msg.tokens), o.onProgress?.(msg));
        else if (msg?.type === "result") result = msg;
      }
    }
  })();
  const readStderr = (async () => {
    const decoder = new TextDecoder();
    let tail = "";
    for await (const chunk of proc.stderr) tail = (tail + decoder.decode(chunk, { stream: true })).slice(-STDERR_TAIL);
    return tail;
  })();

  await proc.exited;
  clearTimeout(timer);
  o.signal?.removeEventListener("abort", kill);
  const [, stderr] = await Promise.all([readStdout, readStderr]);
  const r = result as Extract<ChildMessage, { type: "result" }> | null;
  const stderrTail = stderr.trim() ? { stderr: stderr.trim() } : {};

  // SIGINT is the user's Ctrl-C (the engine never raises it), even if it beat the abort here.
  if (o.signal?.aborted || proc.signalCode === "SIGINT") return { status: "interrupted" };
  if (timedOut) {
    const message = `killed after the ${o.timeoutS ?? 600} s time limit, ${lastTokens} tokens done`;
    return { status: "failed", failure: { kind: "timeout", timeoutS: o.timeoutS ?? 600, message }, samples: r?.samples ?? null, abi };
  }
  if (r?.status === "failed") return { status: "failed", failure: { kind: "error", ...r.error }, samples: r.samples, abi };
  if (proc.signalCode) {
    const signal = String(proc.signalCode);
    const message = `killed by ${signal} after ${lastTokens} tokens`;
    return { status: "failed", failure: { kind: "signal", signal, message, ...stderrTail }, samples: null, abi };
  }
  if (proc.exitCode !== 0 || r === null) {
    const lastLine = stderr.trim().split("\n").at(-1)?.trim();
    const message = `exited with status ${proc.exitCode} ${r ? "" : "without a result "}after ${lastTokens} tokens${lastLine ? `: ${lastLine}` : ""}`;
    return { status: "failed", failure: { kind: "exit", exitCode: proc.exitCode ?? -1, message, ...stderrTail }, samples: null, abi };
  }
  return { status: "ok", samples: r.samples, abi };
}
