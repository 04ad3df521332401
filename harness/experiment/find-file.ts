// Where an experiment named on the command line lives: a path (relative to where the command
// was typed), or a bare name looked up in experiments/ with or without ".yaml".
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export const EXPERIMENTS_DIR = "experiments";

export type Found = { ok: true; file: string } | { ok: false; message: string };

export function findExperimentFile(arg: string, cwd: string, root: string): Found {
  const direct = path.resolve(cwd, arg);
  if (isFile(direct)) return { ok: true, file: direct };
  const bare = !arg.includes("/") && !arg.includes(path.sep);
  if (bare) {
    for (const name of [arg, `${arg}.yaml`]) {
      const f = path.join(root, EXPERIMENTS_DIR, name);
      if (isFile(f)) return { ok: true, file: f };
    }
  }
  const known = listExperiments(root);
  const where = bare ? `${path.relative(cwd, direct) || arg} nor ${EXPERIMENTS_DIR}/${arg}` : path.relative(cwd, direct);
  return { ok: false, message: `no experiment file ${where}; experiments in ${EXPERIMENTS_DIR}/: ${known.join(", ") || "(none)"}` };
}

export function listExperiments(root: string): string[] {
  const dir = path.join(root, EXPERIMENTS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
}

function isFile(f: string): boolean {
  return existsSync(f) && statSync(f).isFile();
}
