// The few file operations the cgroup mechanisms need, behind one interface so that the v2 and
// delegated paths (absent on this project's v1 machines) can be exercised against a fake tree.

import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";

export interface CgroupFs {
  read(path: string): string;
  write(path: string, text: string): void;
  exists(path: string): boolean;
  writable(path: string): boolean;
  mkdir(path: string): void;
  rmdir(path: string): void;
  /** Names of the subdirectories of dir (child cgroups). */
  list(dir: string): string[];
}

/** The errno code of a failed call ("EBUSY", …), or null. */
export const errnoOf = (e: unknown): string | null => (e as { code?: unknown })?.code?.toString() ?? null;

export const realCgroupFs: CgroupFs = {
  read: (p) => readFileSync(p, "utf8"),
  // One write() per value: cgroup files take a value per write call.
  write: (p, text) => writeFileSync(p, text),
  exists: (p) => existsSync(p),
  writable(p) {
    try {
      accessSync(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  mkdir: (p) => mkdirSync(p),
  rmdir: (p) => rmdirSync(p),
  list: (dir) => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name),
};
