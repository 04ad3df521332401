// From an experiment's plan to the simulations `bun run simulate` runs: configurations that
// route, cache and read alike (same routing, geometry, tokens, warm-up, cache.scope, io.direct,
// io.fadvise, page cache) share one simulation, whose cells are the section's policies × capacities plus
// each configuration's own policy and size. Pure.
import type { EngineValue } from "../engine/registry.ts";
import type { Plan, RunSpec } from "../experiment/plan.ts";
import type { CapacityInput, SimulateSection } from "./simulate-section.ts";

export interface SimCell { policy: string; entries: number }   // entries per cache

/** A configuration's own cell; `note` says what of it the simulator leaves out. */
export interface SimPoint extends SimCell { config: string; note?: string }

export interface SimGroup {
  id: string;                          // "g1", "g2", … in plan order
  configs: string[];                   // configurations it stands for
  engine: Record<string, EngineValue>; // the first configuration's engine keys (physical)
  scope: "global" | "per-layer";
  direct: string;                      // io.direct
  caches: number;                      // 1, or one per layer
  keysPerCache: number;                // experts, or layers · experts
  recordBytes: number;
  scale: number;                       // s = L / preset layers
  warmup: number;                      // tokens
  pageCacheBytes: number;              // physical
  cells: SimCell[];                    // policies × capacities, `none` once, then the points
  points: SimPoint[];
}

/** Engine keys that change what a simulation replays, what it prefetches or pins, or how a miss
 * is read (io.fadvise: whether the page-cache model reads ahead). */
const SIMULATED = (k: string) =>
  k.startsWith("routing.") || (k.startsWith("model.") && k !== "model.dir" && k !== "model.seed") ||
  k.startsWith("prefetch.") || k.startsWith("pin.") ||
  k === "run.tokens" || k === "cache.scope" || k === "io.direct" || k === "io.fadvise";

/** Entries per cache for a capacity as written, by the engine's and the harness's rules:
 * global budgets scale with s, per-layer ones do not; bytes become whole records. */
export function entriesOf(c: CapacityInput, g: Pick<SimGroup, "scope" | "scale" | "recordBytes" | "keysPerCache">): number {
  const scaled = (v: number) => (g.scope === "global" ? Math.round(v * g.scale) : v);
  const entries = "entries" in c ? scaled(c.entries) : Math.floor(scaled(c.bytes) / g.recordBytes);
  return Math.min(Math.max(entries, 1), g.keysPerCache);
}

/** 1, 2, 4, … up to the key space of one cache, and the key space itself. */
export function defaultEntries(keysPerCache: number): number[] {
  const out: number[] = [];
  for (let e = 1; e < keysPerCache; e *= 2) out.push(e);
  out.push(keysPerCache);
  return out;
}

/** The cell a configuration runs: its policy at its budget (cache.budget_bytes wins when set). */
function pointOf(r: RunSpec, g: SimGroup, policies: string[]): SimPoint {
  const policy = String(r.engine["cache.policy"]);
  const budget = Number(r.engine["cache.budget_bytes"] ?? 0);
  const entries = policy === "none" ? 0
    : Math.min(budget > 0 ? Math.floor(budget / g.recordBytes) : Number(r.engine["cache.entries"] ?? 0), g.keysPerCache);
  const point: SimPoint = { config: r.config, policy, entries };
  const predictor = String(r.engine["prefetch.predictor"] ?? "none");
  const prefetching = !policies.includes(policy) || (predictor !== "none" && Number(r.engine["prefetch.depth"] ?? 1) > 0);
  if (prefetching && r.engine["prefetch.mode"] !== "deterministic")
    point.note = "prefetch replayed as prefetch.mode deterministic runs it (none late)";
  return point;
}

export function simGroups(plan: Plan, section: SimulateSection, allPolicies: string[]): SimGroup[] {
  const firsts = plan.runs.filter((r) => r.repeat === 1);
  const byKey = new Map<string, SimGroup>();
  for (const r of firsts) {
    const settings = Object.entries(r.engine).filter(([k]) => SIMULATED(k)).sort(([a], [b]) => a.localeCompare(b));
    const key = JSON.stringify([settings, r.workload.warmup, r.machine.page_cache.physical]);
    let g = byKey.get(key);
    if (!g) {
      const perLayer = r.engine["cache.scope"] === "per-layer";
      g = {
        id: `g${byKey.size + 1}`, configs: [], engine: r.engine, scope: perLayer ? "per-layer" : "global",
        direct: String(r.engine["io.direct"]), caches: perLayer ? r.model.layers : 1,
        keysPerCache: perLayer ? r.model.experts : r.model.experts * r.model.layers,
        recordBytes: r.model.recordBytes, scale: r.model.scale, warmup: r.workload.warmup,
        pageCacheBytes: r.machine.page_cache.physical, cells: [], points: [],
      };
      byKey.set(key, g);
    }
    g.configs.push(r.config);
    g.points.push(pointOf(r, g, allPolicies));
  }
  const groups = [...byKey.values()];
  for (const g of groups) {
    const entries = section.capacities ? section.capacities.map((c) => entriesOf(c, g)) : defaultEntries(g.keysPerCache);
    const seen = new Set<string>();
    const add = (policy: string, n: number) => {
      const cell = { policy, entries: policy === "none" ? 0 : n };
      const id = `${cell.policy}@${cell.entries}`;
      if (!seen.has(id)) { seen.add(id); g.cells.push(cell); }
    };
    for (const policy of section.policies ?? allPolicies)
      for (const n of [...new Set(entries)].sort((a, b) => a - b)) add(policy, n);
    for (const p of g.points) add(p.policy, p.entries);
  }
  return groups;
}
