// Whether a run was disturbed by something outside it: CPU steal above 2 % of its time, other
// tenants' disk traffic above 10 % of its own, or more runnable threads than 1.5 × cores for
// more than 10 % of the run. Flags, never corrections: the report shows them beside the run.

export const NOISE_LIMITS = {
  stealShare: 0.02,             // of the window's CPU time, all CPUs
  othersDiskShare: 0.1,         // of the run's own device bytes
  // A run with almost no device traffic of its own would be flagged by any journal write of an
  // idle machine; below this many bytes others' traffic is not noise.
  othersDiskFloorBytes: 2 ** 20,
  runnablePerCore: 1.5,
  overloadedShare: 0.1,         // of the run's runnable-thread samples
} as const;

export interface NoiseInput {
  stealShare: number | null;
  ownDiskBytes: number | null;
  othersDiskBytes: number | null;
  runnable: readonly number[];  // runnable threads, system-wide, sampled through the run
  cores: number;
}

export interface NoiseVerdict {
  noisy: boolean;
  reasons: string[];            // one sentence per rule broken
  unmeasured: string[];         // rules that could not be judged, and why
  overloadedShare: number | null;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function judgeNoise(i: NoiseInput): NoiseVerdict {
  const L = NOISE_LIMITS;
  const reasons: string[] = [];
  const unmeasured: string[] = [];

  if (i.stealShare === null) unmeasured.push("CPU steal: /proc/stat has no steal time here");
  else if (i.stealShare > L.stealShare) reasons.push(`CPU steal ${pct(i.stealShare)} of the run's CPU time (limit ${pct(L.stealShare)})`);

  if (i.othersDiskBytes === null || i.ownDiskBytes === null) unmeasured.push("others' disk traffic: no /proc/diskstats line or /proc/self/io for the model's disk");
  else {
    const allowed = Math.max(L.othersDiskShare * i.ownDiskBytes, L.othersDiskFloorBytes);
    if (i.othersDiskBytes > allowed)
      reasons.push(`other tenants moved ${i.othersDiskBytes} bytes on the model's disk, ${i.ownDiskBytes > 0 ? pct(i.othersDiskBytes / i.ownDiskBytes) : "any share"} of the run's own ${i.ownDiskBytes} (limit ${pct(L.othersDiskShare)})`);
  }

  let overloadedShare: number | null = null;
  if (i.runnable.length === 0) unmeasured.push("runnable threads: no samples (the run was shorter than one sampling period)");
  else {
    const over = i.runnable.filter((n) => n > L.runnablePerCore * i.cores).length;
    overloadedShare = over / i.runnable.length;
    if (overloadedShare > L.overloadedShare)
      reasons.push(`more than ${L.runnablePerCore} × ${i.cores} cores' runnable threads for ${pct(overloadedShare)} of the run (limit ${pct(L.overloadedShare)})`);
  }
  return { noisy: reasons.length > 0, reasons, unmeasured, overloadedShare };
}
