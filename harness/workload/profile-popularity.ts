// Expert popularity from a measured activation profile (mlx-moe's profiles/*.json: per layer,
// in how many of N prompts each expert was routed at least once), turned into per-layer weights
// for the synthetic generator and fitted to a model geometry on request.

import { readFileSync } from "node:fs";
import { TraceError } from "./trace-error.ts";

export interface Popularity {
  layers: number;
  experts: number;
  weights: Float64Array[]; // [layer][expert], relative request rates
}

/** How profile layers map to model layers: exact count, the first L, repeated (cycle), or by
 *  relative depth (stretch: model layer l takes profile layer ⌊l·L_profile/L_model⌋). */
export type ProfileLayerMap = "exact" | "first" | "cycle" | "stretch";
export const PROFILE_LAYER_MAPS: readonly ProfileLayerMap[] = ["exact", "first", "cycle", "stretch"];

/** A coverage count c of N prompts is read as P(routed at least once in a prompt) = c/N; for a
 *  Poisson request rate λ that probability is 1 − e^(−λ), so λ = −ln(1 − c/N). Counts of 0 and N
 *  are moved half a prompt inwards (never seen ≠ impossible, always seen ≠ infinitely hot). */
export function coverageToRate(count: number, prompts: number): number {
  const q = Math.min(Math.max(count, 0.5), prompts - 0.5) / prompts;
  return -Math.log(1 - q);
}

export function readProfile(file: string): Popularity {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new TraceError(file, null, `not a readable JSON profile (${(e as Error).message})`);
  }
  const d = doc as { num_prompts?: unknown; num_experts?: unknown; layers?: Record<string, { activation_counts?: Record<string, unknown> }> };
  const prompts = d.num_prompts;
  if (typeof prompts !== "number" || !(prompts >= 1) || typeof d.layers !== "object" || d.layers === null)
    throw new TraceError(file, null, 'expected an activation profile: {"num_prompts": N, "layers": {"0": {"activation_counts": {...}}, ...}}');
  const keys = Object.keys(d.layers).map(Number).sort((a, b) => a - b);
  const counts = keys.map((l) => d.layers![String(l)]!.activation_counts ?? {});
  const maxId = Math.max(...counts.flatMap((c) => Object.keys(c).map(Number)));
  const experts = typeof d.num_experts === "number" ? d.num_experts : maxId + 1;
  if (maxId >= experts) throw new TraceError(file, null, `expert id ${maxId} but num_experts is ${experts}`);
  const weights = counts.map((c, i) => {
    const w = new Float64Array(experts).fill(coverageToRate(0, prompts));
    for (const [id, n] of Object.entries(c)) {
      if (typeof n !== "number" || n < 0 || n > prompts)
        throw new TraceError(file, null, `layer ${keys[i]}, expert ${id}: count ${JSON.stringify(n)} must be in 0..${prompts}`);
      w[Number(id)] = coverageToRate(n, prompts);
    }
    return w;
  });
  return { layers: keys.length, experts, weights };
}

/** Rank curve resampled to `experts` entries (a profile of another model size): the hottest
 *  expert is id 0, as ids carry no meaning across models. */
function resample(w: Float64Array, experts: number): Float64Array {
  const sorted = Float64Array.from(w).sort().reverse();
  return Float64Array.from({ length: experts }, (_, r) => sorted[Math.floor((r * sorted.length) / experts)]!);
}

export function fitPopularity(p: Popularity, layers: number, experts: number, map: ProfileLayerMap,
  resampleExperts: boolean, file: string): Popularity {
  if (p.experts !== experts && !resampleExperts)
    throw new TraceError(file, null, `the profile has ${p.experts} experts per layer, the model ${experts}; ` +
      "pass --resample-experts to stretch its popularity curve over the model's experts");
  if (p.layers !== layers && map === "exact")
    throw new TraceError(file, null, `the profile has ${p.layers} layers, the model ${layers}; choose --layer-map first, cycle or stretch`);
  if (map === "first" && p.layers < layers)
    throw new TraceError(file, null, `--layer-map first needs at least ${layers} profile layers, it has ${p.layers}`);
  const source = (l: number) =>
    map === "stretch" ? Math.floor((l * p.layers) / layers) : map === "cycle" ? l % p.layers : l;
  const weights = Array.from({ length: layers }, (_, l) => {
    const w = p.weights[source(l)]!;
    return p.experts === experts ? w : resample(w, experts);
  });
  return { layers, experts, weights };
}

/** The popularity file format read by the engine (routing.popularity, routing.h). */
export function popularityText(p: Popularity, origin: string): string {
  const head = `# tierbench popularity: ${p.layers} layers × ${p.experts} experts, relative request rates\n# from ${origin}\n`;
  return head + p.weights.map((w) => Array.from(w, (x) => x.toPrecision(6)).join(" ")).join("\n") + "\n";
}
