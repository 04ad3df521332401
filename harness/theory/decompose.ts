// The gap decomposition: observed time per token split into named parts, each computed from its
// own measurement — bytes by source at the profile's rates, stage wall and CPU times, prefetch
// counters — and a remainder that is whatever those parts do not explain (never forced to zero).

import type { Observation } from "./observation.ts";
import type { IoInputs } from "./model-inputs.ts";
import { readParallelism } from "./run-setup.ts";
import { layerTime } from "./time-model.ts";
import { sourceMix } from "./traffic.ts";

export const PART_LABELS = {
  device: "device I/O at ceiling speed",
  ioInefficiency: "I/O inefficiency",
  pageCache: "page-cache copies",
  bookkeeping: "cache bookkeeping",
  expert: "expert compute",
  dense: "dense compute",
  prefetch: "prefetch interference",
  contention: "CPU contention",
  remainder: "remainder",
} as const;
export type PartId = keyof typeof PART_LABELS;

/** A remainder above this share of the observed time is a warning (DESIGN §5). */
export const REMAINDER_WARN = 0.05;

export interface Part {
  id: PartId;
  label: string;
  s: number;            // seconds per token
  share: number;        // of the observed time per token
  how: string;          // what it was computed from
}

export interface Decomposition {
  label: string;
  totalS: number;       // observed seconds per token in the counters' window
  window: string;       // which tokens that window holds
  parts: Part[];        // every part, the remainder last; they sum to totalS
  amplificationS: number | null; // of the I/O inefficiency: readahead bytes at device speed
  hiddenIoS: number;    // at-ceiling read time hidden under compute (overlapped pipelines)
  ioBasis: string | null;
  notes: Note[];
}

/** A remark on how the decomposition was made; `id` names the kind, so repeats merge. */
export interface Note {
  id: "no-page-cache-rate" | "no-device-rate" | "faster-than-ceiling" | "off-cpu";
  text: string;
}

export function decompose(obs: Observation, io: IoInputs | null): Decomposition {
  const W = obs.wallS;
  const C = obs.cpuS ?? W;
  const L = obs.setup.layers;
  const t = obs.traffic;
  const notes: Note[] = [];
  const totalS = Object.values(W).reduce((a, b) => a + b, 0) + obs.unattributedS;

  // Reads at ceiling speed: the measured bytes by source through the time model, no compute.
  let devC = 0;
  let pcC = 0;
  let deviceBps = Infinity;
  if (io) {
    const lt = layerTime({ setup: obs.setup, mix: sourceMix(t), rates: io.rates, compute: { denseS: 0, sharedS: 0, expertS: 0, overheadS: 0 } });
    devC = lt.deviceS * L;
    pcC = lt.pageCacheS * L;
    deviceBps = io.rates.deviceGbps(readParallelism(obs.setup)) * 1e9;
    if (!io.pageCacheBasis && t.pageCache > 0) notes.push({ id: "no-page-cache-rate", text: "the profile has no page-cache read bandwidth: page-cache copies are counted as free, their time falls in the I/O inefficiency" });
  } else if (t.device + t.pageCache > 0) {
    notes.push({ id: "no-device-rate", text: "the profile has no device read bandwidth: nothing is at ceiling speed, every read's wait counts as inefficiency" });
  }
  // Overlapped pipelines hide reads under compute: only the exposed wait can hold read time.
  const ceilingIo = devC + pcC;
  const exposed = obs.setup.exec === "overlapped" && ceilingIo > W.wait ? W.wait / ceilingIo : 1;
  const hiddenIoS = ceilingIo * (1 - exposed);
  const device = devC * exposed;
  const pageCache = pcC * exposed;
  const beyond = W.wait - device - pageCache; // negative: reads beat the profile's ceiling
  if (beyond < 0) notes.push({ id: "faster-than-ceiling", text: `reads finished ${(-beyond * 1e3).toFixed(3)} ms per token faster than the ceiling allows: the profile understates this machine's bandwidth, or the page cache served bytes the attribution counted as device bytes` });

  const prefetchWait = Math.min(Math.max(0, beyond), t.prefetchDevice / deviceBps);
  const ioInefficiency = Math.max(0, beyond - prefetchWait);
  const amplificationS = t.readahead === null || !Number.isFinite(deviceBps) ? null : Math.min(ioInefficiency, t.readahead / deviceBps);

  const cpuStages = ["dense", "routing", "cache", "expert", "combine"] as const;
  const offCpu = cpuStages.reduce((a, s) => a + Math.max(0, W[s] - C[s]), 0);
  const contention = obs.contention.likely && obs.cpuS ? offCpu : 0;
  if (!obs.contention.likely && obs.cpuS && offCpu > 0.02 * totalS)
    notes.push({ id: "off-cpu", text: `compute stages spent ${(offCpu * 1e3).toFixed(3)} ms per token off CPU with no contention measured (${obs.contention.why}): it stays in the remainder` });

  const cpuHow = obs.cpuS ? "loop-thread CPU time" : "wall time (no CPU time measured)";
  const raw: Omit<Part, "share" | "label">[] = [
    { id: "device", s: device, how: io ? `device bytes at ${io.deviceBasis}${exposed < 1 ? `, exposed share ${(exposed * 100).toFixed(0)} %` : ""}` : "no device bandwidth in the profile" },
    { id: "ioInefficiency", s: ioInefficiency, how: "wait for expert bytes beyond what they need at ceiling bandwidth" + (amplificationS !== null ? `, ${(amplificationS * 1e3).toFixed(3)} ms of it readahead` : "") },
    { id: "pageCache", s: pageCache, how: io?.pageCacheBasis ? `page-cache bytes at ${io.pageCacheBasis}, where not hidden under device reads` : "no page-cache bandwidth in the profile" },
    { id: "bookkeeping", s: Math.max(0, C.cache + C.routing - obs.prefetchIssueS), how: `cache and routing stages, ${cpuHow}` },
    { id: "expert", s: C.expert + C.combine, how: `expert and combine stages, ${cpuHow}` },
    { id: "dense", s: C.dense, how: `dense stage, ${cpuHow}` },
    { id: "prefetch", s: prefetchWait + obs.prefetchIssueS, how: "issuing prefetches, and demand wait beyond ceiling up to the device time prefetch reads took" },
    { id: "contention", s: contention, how: obs.contention.likely ? `compute stages' wall minus CPU time (${obs.contention.why})` : `none counted (${obs.contention.why})` },
  ];
  const explained = raw.reduce((a, p) => a + p.s, 0);
  raw.push({ id: "remainder", s: totalS - explained, how: "observed time the parts above do not explain" });
  const parts = raw.map((p) => ({ ...p, label: PART_LABELS[p.id], share: totalS > 0 ? p.s / totalS : 0 }));
  return { label: obs.label, totalS, window: obs.windowNote, parts, amplificationS, hiddenIoS, ioBasis: io?.deviceBasis ?? null, notes };
}

export const part = (d: Decomposition, id: PartId) => d.parts.find((p) => p.id === id)!;

/** The mean decomposition of several runs of one variant (means keep the parts summing). */
export function meanDecomposition(ds: readonly Decomposition[]): Decomposition | null {
  if (ds.length === 0) return null;
  const avg = (f: (d: Decomposition) => number) => ds.reduce((a, d) => a + f(d), 0) / ds.length;
  const totalS = avg((d) => d.totalS);
  const parts = ds[0]!.parts.map((p) => {
    const s = avg((d) => part(d, p.id).s);
    return { ...p, s, share: totalS > 0 ? s / totalS : 0 };
  });
  const amp = ds.every((d) => d.amplificationS !== null) ? avg((d) => d.amplificationS!) : null;
  return { label: ds[0]!.label, totalS, window: ds[0]!.window, parts, amplificationS: amp, hiddenIoS: avg((d) => d.hiddenIoS), ioBasis: ds[0]!.ioBasis, notes: mergeNotes(ds.flatMap((d) => d.notes)) };
}

/** One note per kind, saying in how many runs it arose (the first run's numbers stand for all). */
function mergeNotes(notes: readonly Note[]): Note[] {
  const byId = new Map<Note["id"], { note: Note; n: number }>();
  for (const n of notes) byId.set(n.id, { note: byId.get(n.id)?.note ?? n, n: (byId.get(n.id)?.n ?? 0) + 1 });
  return [...byId.values()].map(({ note, n }) => (n > 1 ? { ...note, text: `${note.text} (${n} runs; the first run's figures)` } : note));
}
