// The machine a result was measured on: CPU, cores, RAM, kernel and the storage device that
// holds the model files (model, rotational, read_ahead_kb), read from /proc and /sys on Linux.

import os from "node:os";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, join } from "node:path";

export interface StorageContext {
  path: string;              // the path it was asked about (the model directory)
  device: string | null;     // block device name, e.g. "nvme0n1", "vda"
  model: string | null;      // the device's model string, when the driver exposes one
  rotational: boolean | null;
  readAheadKb: number | null;
}

export interface MachineContext {
  hostname: string;
  os: string;                // platform and kernel release
  cpuModel: string;
  cores: number;             // logical CPUs
  ramBytes: number;
  storage: StorageContext | null;
}

const readText = (p: string) => {
  try {
    return readFileSync(p, "utf8").trim();
  } catch {
    return null;
  }
};

/** Linux dev_t → "major:minor" (glibc's encoding; numbers stay below 2^53). */
function devNumbers(dev: number): string {
  const major = (Math.floor(dev / 256) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
  const minor = (dev & 0xff) | (Math.floor(dev / 4096) & ~0xff);
  return `${major}:${minor}`;
}

/** The whole-disk device under a path (a partition resolves to its disk's queue settings). */
export function storageOf(path: string): StorageContext {
  const none: StorageContext = { path, device: null, model: null, rotational: null, readAheadKb: null };
  if (process.platform !== "linux" || !existsSync(path)) return none;
  const sys = `/sys/dev/block/${devNumbers(statSync(path).dev)}`;
  if (!existsSync(sys)) return none;
  let dir = realpathSync(sys);
  if (existsSync(join(dir, "partition"))) dir = join(dir, "..");
  const rot = readText(join(dir, "queue/rotational"));
  const ra = readText(join(dir, "queue/read_ahead_kb"));
  return {
    path,
    device: basename(dir),
    model: readText(join(dir, "device/model")) || null,
    rotational: rot === null ? null : rot === "1",
    readAheadKb: ra === null ? null : Number(ra),
  };
}

export function machineContext(storagePath?: string): MachineContext {
  const cpuInfo = readText("/proc/cpuinfo") ?? "";
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuInfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  return {
    hostname: os.hostname(),
    os: `${os.platform()} ${os.release()}`,
    cpuModel: cpuModel.trim(),
    cores: os.cpus().length,
    ramBytes: os.totalmem(),
    storage: storagePath ? storageOf(storagePath) : null,
  };
}
