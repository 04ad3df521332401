// The expanded plan: what an experiment file asks for, as a list of fully resolved runs in
// the order they run. This is the contract between validation and whatever executes runs.
import type { Value, Comparison } from "./schema.ts";
import type { SimulateSection } from "../sim/simulate-section.ts";
import type { PageCacheState } from "../pagecache/states.ts";

/** A size on the emulated machine and on this one (× s, or the same where it does not scale). */
export interface SizeValue {
  emulated: number;
  physical: number;
  unit: "bytes" | "entries";
}

export interface ModelSpec {
  preset: string;
  layers: number;             // L of the scale model
  presetLayers: number;       // layers of the full model
  scale: number;              // s = layers / presetLayers
  bits: number;
  seed: number;
  import?: string;            // absolute path of a Flash-MoE packed_experts/ directory
  experts: number;            // per layer
  recordBytes: number;        // one expert record
  layerFileBytes: number;     // experts · recordBytes
  residentBytes: number;      // non-expert weights of all L layers
}

export type RoutingSpec =
  | { source: "synthetic"; zipf: number; reuse: number; seed: number; preset?: string }   // preset: a workload preset's name
  | { source: "trace"; path: string };   // absolute

export interface RunSpec {
  id: string;                 // "<config>#<repeat>": stable across re-runs, the resume key
  index: number;              // position in the interleaved order, from 0
  config: string;             // variant plus sweep point, e.g. "trust-os[io.threads=4]"
  variant: string;
  label: string;
  repeat: number;             // from 1
  point: Record<string, Value>;          // this run's sweep values
  model: ModelSpec;
  workload: { routing: RoutingSpec; k: number; tokens: number; warmup: number };
  machine: {
    enforce: "strict" | "best-effort";
    page_cache_state: PageCacheState;
    page_cache: SizeValue;
    resident: SizeValue;
    ram: SizeValue;
  };
  engine: Record<string, Value>;         // every engine key, physical values; model.dir is the runner's
  sizes: Record<string, SizeValue>;      // engine settings given as sizes or entries, both values
}

export interface Plan {
  name: string;
  description: string;
  file: string;
  configs: string[];          // distinct configurations, in run order
  repeats: number;
  runs: RunSpec[];            // repeats interleaved: c1#1 c2#1 … c1#2 c2#2 …
  compare: Comparison[];
  simulate?: SimulateSection;  // the file's simulate: section, for `bun run simulate`
}
