// Measures the runner's fixed overhead — memory a run's process holds that is not page cache:
// the Bun runtime, the engine's buffers, kernel memory such as page tables — by running
// overhead-child.ts with the run's engine settings inside an unlimited cgroup and sampling
// the cgroup's usage less its page cache. The application cache is left out: it is budgeted
// from the page cache's share (compose-budget.ts).

import type { EngineValue } from "../run/child-protocol.ts";
import { joinCgroupCommand } from "./join-command.ts";
import { cgroupName, selfOwner } from "./owner.ts";
import type { CgroupDriver } from "./run-cgroup.ts";

const CHILD = [process.execPath, `${import.meta.dir}/overhead-child.ts`];

export interface OverheadMeasurement {
  bytes: number;        // most (usage − page cache) seen, bytes
  samples: number;
  tokens: number;       // tokens the child ran while measured
}

/** The run's engine settings with the application cache and fault injection turned off. */
export function calibrationSettings(engine: Record<string, EngineValue>): Record<string, EngineValue> {
  return {
    ...engine,
    "cache.policy": "none", "cache.budget_bytes": 0, "cache.entries": 0,
    "fault.fail_after_tokens": -1, "fault.crash_after_tokens": -1, "fault.stage": "none", "fault.sleep_ms": 0, "fault.spin_ms": 0,
  };
}

export async function measureOverhead(o: {
  driver: CgroupDriver;
  engine: Record<string, EngineValue>;  // the run's keys, model.dir included
  label: string;
  steps?: number;                       // engine steps before the measurement (default 3)
  stepMs?: number;                      // default 100
  samplePeriodMs?: number;              // default 10
  timeoutS?: number;                    // default 120
}): Promise<OverheadMeasurement> {
  const cg = o.driver.create(cgroupName(selfOwner(), o.label), null);
  try {
    const input = { engine: calibrationSettings(o.engine), steps: o.steps ?? 3, stepMs: o.stepMs ?? 100 };
    const proc = Bun.spawn(joinCgroupCommand(cg.procsFile, [...CHILD, JSON.stringify(input)]), { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    const stderrText = new Response(proc.stderr).text(); // drained as it comes: a full pipe would block the child
    let most = 0;
    let samples = 0;
    const sample = () => {
      const r = cg.read();
      most = Math.max(most, r.usageBytes - r.fileBytes);
      samples++;
    };
    const timer = setInterval(sample, o.samplePeriodMs ?? 10);
    const limit = setTimeout(() => proc.kill("SIGKILL"), (o.timeoutS ?? 120) * 1e3); // a hung open ends the wait
    const reader = proc.stdout.getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    sample();
    clearInterval(timer);
    clearTimeout(limit);
    proc.stdin.end();
    await proc.exited;
    const reply = (() => {
      try {
        return JSON.parse(text.split("\n")[0]!) as { ready: boolean; tokens?: number; error?: string };
      } catch {
        return null;
      }
    })();
    if (!reply?.ready) {
      const stderr = (await stderrText).trim();
      const how = proc.signalCode ? `killed by ${proc.signalCode}` : `exit status ${proc.exitCode}`;
      throw new Error(`measuring the runner's fixed overhead failed (${how}): ${reply?.error ?? (stderr.slice(-500) || "no message")}`);
    }
    return { bytes: most, samples, tokens: reply.tokens ?? 0 };
  } finally {
    await cg.remove();
  }
}
