// The bottleneck analysis of a result set, per configuration: its runs pooled into one
// observation, the four ceilings, the gap decomposition, a one-sentence verdict and warnings.
// Pure: stored records and the profile snapshot in, numbers out.

import type { MachineProfile } from "../probe/machine-profile.ts";
import type { RunRecord } from "../results/run-record.ts";
import { ceilings, type Ceiling } from "./ceilings.ts";
import { decompose, type Decomposition } from "./decompose.ts";
import { computeInputs, ioInputs, type StatedDense } from "./model-inputs.ts";
import { observationFromRecord, type Observation } from "./observation.ts";
import { poolObservations } from "./pool-observations.ts";
import { machineRates, type MachineRates } from "./profile-rates.ts";
import { variantVerdict } from "./variant-verdict.ts";
import { variantWarnings } from "./warnings.ts";

export interface VariantAnalysis {
  variant: string;              // configuration id (variant plus sweep point)
  runs: number;                 // ok runs pooled
  observation: Observation;
  tokS: number[];               // per run, after warm-up
  ceilings: Ceiling[];
  decomposition: Decomposition;
  verdict: string;
  warnings: string[];
}

/** The analysis of one observation against a machine's rates (also used for the paper's). */
export function analyse(o: Observation, rates: MachineRates, tokS: number[] = o.tokS === null ? [] : [o.tokS], statedDense?: StatedDense): Omit<VariantAnalysis, "variant" | "runs"> {
  const directShare = o.traffic.device > 0 ? o.traffic.directDevice / o.traffic.device : o.setup.direct === "on" ? 1 : 0;
  const io = ioInputs(rates, o.setup, directShare);
  const cs = ceilings(o, { io, compute: computeInputs(rates, o.setup, statedDense), peak: rates.peakDeviceRead() });
  const d = decompose(o, io);
  return { observation: o, tokS, ceilings: cs, decomposition: d, verdict: variantVerdict(d, cs, o.setup.exec), warnings: variantWarnings(o, d, tokS) };
}

export function analyseResults(records: readonly RunRecord[], profile: MachineProfile | null, denseBitsOf?: (preset: string) => number | null): VariantAnalysis[] {
  const rates = machineRates(profile);
  const byConfig = new Map<string, RunRecord[]>();
  for (const r of records) byConfig.set(r.run.variant, [...(byConfig.get(r.run.variant) ?? []), r]);
  const out: VariantAnalysis[] = [];
  for (const [variant, rs] of byConfig) {
    const pairs = rs.flatMap((r) => {
      const o = observationFromRecord(r, denseBitsOf);
      return o ? [{ o, tokens: r.samples!.stats.tokens! }] : [];
    });
    const pooled = poolObservations(pairs.map((p) => p.o), pairs.map((p) => p.tokens));
    if (!pooled) continue;
    const tokS = pairs.flatMap((p) => (p.o.tokS === null ? [] : [p.o.tokS]));
    out.push({ variant, runs: pairs.length, ...analyse(pooled, rates, tokS) });
  }
  return out;
}
