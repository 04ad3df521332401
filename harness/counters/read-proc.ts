// Reads a /proc (or /sys) text file; null where it does not exist (another OS, an older kernel),
// so that a missing counter is recorded as absent, never as zero.

import { readFileSync } from "node:fs";

export function readProc(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** "key value" or "key: value" lines as numbers by key. */
export function keyValues(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = /^(\S+?):?\s+(-?\d+)\s*$/.exec(line.trim());
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}
