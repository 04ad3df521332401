// The machine profile as far as planning needs it: the device's read bandwidth, for time
// estimates. The profile is written by `bun run probe` to .tierbench/machine-profile.json;
// without one, planning uses a stated default.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const PROFILE_FILE = ".tierbench/machine-profile.json";
/** Used when no profile exists: a typical NVMe SSD's random reads of MB-sized records. */
export const DEFAULT_READ_BYTES_PER_S = 2e9;

export interface ReadBandwidth {
  bytesPerS: number;
  source: string;            // where the figure comes from, said next to every estimate
}

export function deviceReadBandwidth(root: string): ReadBandwidth {
  const file = path.join(root, PROFILE_FILE);
  const fallback = (why: string) => ({ bytesPerS: DEFAULT_READ_BYTES_PER_S, source: `assumed (${why}; \`bun run probe\` measures it)` });
  if (!existsSync(file)) return fallback(`no machine profile at ${PROFILE_FILE}`);
  try {
    const p = JSON.parse(readFileSync(file, "utf8")) as { device?: { read_bytes_per_s?: unknown } };
    const bw = p.device?.read_bytes_per_s;
    if (typeof bw === "number" && bw > 0) return { bytesPerS: bw, source: `measured (${PROFILE_FILE})` };
    return fallback(`${PROFILE_FILE} has no device.read_bytes_per_s`);
  } catch (e) {
    return fallback(`${PROFILE_FILE} is unreadable: ${(e as Error).message}`);
  }
}
