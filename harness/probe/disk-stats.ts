// Bytes read from a block device so far, system-wide (/sys/block/<dev>/stat, sectors of 512
// bytes): device bytes of a tool that cannot report its own — other tenants' reads included.

import { readFileSync } from "node:fs";
import { storageOf } from "../results/machine-context.ts";

/** A reader of the device holding `path`, or null where Linux block statistics are missing. */
export function deviceReadBytes(path: string): (() => number) | null {
  const dev = storageOf(path).device;
  if (!dev) return null;
  const file = `/sys/block/${dev}/stat`;
  const read = () => Number(readFileSync(file, "utf8").trim().split(/\s+/)[2]) * 512;   // field 3: sectors read
  try {
    read();
    return read;
  } catch {
    return null;
  }
}
