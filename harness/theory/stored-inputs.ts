// What the bottleneck sections read from a result directory besides runs.jsonl: the stored
// predictions and the device reads timed right before the sweep (drift.jsonl, first entry).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DRIFT_JSONL, type DriftEntry } from "../counters/probe-drift.ts";
import type { Measurement } from "../probe/machine-profile.ts";

export function sweepStartReads(dir: string): Measurement[] {
  const file = join(dir, DRIFT_JSONL);
  if (!existsSync(file)) return [];
  const first = readFileSync(file, "utf8").split("\n").find((l) => l.trim());
  return first ? ((JSON.parse(first) as DriftEntry).before?.measurements ?? []) : [];
}
