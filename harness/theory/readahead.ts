// The readahead the page-cache model gives a configuration's device reads: the simulate
// section's size where one is written, else ("auto") the probe's amplification of buffered-cold
// reads under io.fadvise normal at the configuration's read size and parallelism.

import type { EngineValue } from "../engine/registry.ts";
import type { MachineRates } from "./profile-rates.ts";
import { readBytes, readParallelism, type RunSetup } from "./run-setup.ts";

export interface ReadaheadChoice {
  bytes: number;           // bytes past a record read by a read that reaches the device
  basis: string;
  said: boolean;           // worth a note beside the prediction: readahead modelled, or missing
}

const PAGE = 4096;         // bytes: readahead reads whole pages

/** `setting`: the simulate section's readahead (bytes, or "auto"). */
export function readaheadFor(setting: number | "auto", s: RunSetup, rates: MachineRates): ReadaheadChoice {
  if (setting !== "auto") return { bytes: setting, basis: `readahead ${setting} bytes (simulate.readahead)`, said: false };
  if (s.ioEngine === "null") return { bytes: 0, basis: "no readahead: the null engine reads nothing", said: false };
  if (s.direct === "on") return { bytes: 0, basis: "no readahead: direct reads", said: false };
  if (s.fadvise === "random") return { bytes: 0, basis: "no readahead: io.fadvise random", said: false };
  // Faults' readahead is inside the probed mmap rate (what-if.ts): none on top of it.
  if (s.ioEngine === "mmap") return { bytes: 0, basis: "no readahead modelled: the probed rate of reads through page faults includes it", said: true };
  const ra = rates.readahead(readBytes(s), readParallelism(s));
  if (!ra) return { bytes: 0, basis: "no readahead modelled: the profile has no buffered-cold reads under fadvise normal", said: true };
  // Amplification is per requested byte; the page-cache model reads past whole records.
  const bytes = Math.round((ra.extraPerRequested * s.recordBytes) / PAGE) * PAGE;
  return { bytes, basis: `readahead ${(bytes / 1e6).toFixed(2)} MB per record read from the device: ${ra.extraPerRequested.toFixed(2)} extra ${ra.basis}`, said: true };
}

/** The same from a simulation group's engine keys (`bun run simulate`, which knows no setup). */
export function readaheadForEngine(setting: number | "auto", engine: Record<string, EngineValue>, g: { recordBytes: number; k: number }, rates: MachineRates): ReadaheadChoice {
  const num = (k: string, d: number) => (typeof engine[k] === "number" ? (engine[k] as number) : d);
  const s = {
    k: g.k, recordBytes: g.recordBytes, ioEngine: String(engine["io.engine"] ?? "pread"), ioThreads: num("io.threads", 1),
    queueDepth: num("io.queue_depth", 1), chunkBytes: num("io.chunk", 0), direct: engine["io.direct"] === "on" ? "on" : "off",
    fadvise: String(engine["io.fadvise"] ?? "normal"),
  } as RunSetup;
  return readaheadFor(setting, s, rates);
}
