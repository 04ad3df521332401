// The device read bandwidth a dry run estimates time with: the machine profile's best
// measured device read for the plan's record size, or a stated default when there is none.
import path from "node:path";
import { formatSize } from "../util/sizes.ts";
import { defaultProfilePath, peakDeviceReadGbps, readProfile, type MachineProfile } from "../probe/machine-profile.ts";

/** Used without a profile: a typical NVMe SSD reading MB-sized records, in bytes/s. */
export const DEFAULT_READ_BYTES_PER_S = 2e9;

export interface ReadBandwidth {
  bytesPerS: number;
  source: string;            // where the figure comes from, printed beside every estimate
}

export function planningBandwidth(root: string, recordBytes: number): ReadBandwidth {
  const file = defaultProfilePath(root);
  const shown = path.relative(root, file);
  const assumed = (why: string) => ({ bytesPerS: DEFAULT_READ_BYTES_PER_S, source: `assumed: ${why}; running an experiment measures it` });
  let profile: MachineProfile | null;
  try {
    profile = readProfile(file);
  } catch (e) {
    return assumed(`the machine profile ${shown} is unreadable: ${(e as Error).message}`);
  }
  if (!profile) return assumed(`no machine profile at ${shown}`);
  const gbps = peakDeviceReadGbps(profile, recordBytes);
  if (gbps === null) return assumed(`${shown} has no device read measurement`);
  // The profile falls back to other record sizes; small records read far slower, so say so.
  const probed = profile.measurements.filter((m) => m.what === "device_read").map((m) => Number(m.params.recordBytes));
  const source = probed.includes(recordBytes)
    ? `measured: best device read of ${formatSize(recordBytes)} records in ${shown}`
    : `measured on other record sizes (${[...new Set(probed)].map(formatSize).join(", ")}) in ${shown}; ${formatSize(recordBytes)} records are probed when the experiment runs`;
  return { bytesPerS: gbps * 1e9, source };
}
