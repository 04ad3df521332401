// Predictions for every configuration of an expanded plan, before anything is measured: the
// simulator replays each configuration's routing through its own cache policy and size, in front
// of the page-cache model; the time model turns those bytes into tok/s on a machine profile.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Geometry } from "../../ffi/index.ts";
import type { Plan } from "../experiment/plan.ts";
import type { MachineProfile } from "../probe/machine-profile.ts";
import type { SimResult, SimSpec } from "../sim/sim-binding.ts";
import { simGroups } from "../sim/sim-groups.ts";
import type { SimulateSection } from "../sim/simulate-section.ts";
import type { StatedDense } from "./model-inputs.ts";
import { machineRates } from "./profile-rates.ts";
import { readaheadFor } from "./readahead.ts";
import { setupFromSpec } from "./run-setup.ts";
import { trafficFromSimCell, type Traffic } from "./traffic.ts";
import { predict, type Prediction } from "./what-if.ts";

export const PREDICTIONS_FILE = "predictions.json";

/** What predictions.json holds: enough to show predicted beside measured, and how it was made. */
export interface StoredPredictions {
  schema: 1;
  kind: "predictions";
  experiment: string;
  createdAt: string;            // ISO 8601: written before the runs it predicts, or not
  profile: MachineProfile | null; // the figures the predictions rest on, kept with them
  simulator: { pagecache: string; readaheadBytes: number | "auto"; activeFraction: number }; // auto: per configuration, in its notes
  predictions: (Prediction & { config: string; notes: string[] })[];
}

/** The predictions stored in a result directory, if any. */
export function readPredictions(dir: string): StoredPredictions | null {
  const file = join(dir, PREDICTIONS_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as StoredPredictions) : null;
}

export type Simulate = (engine: Record<string, string | number | boolean>, spec: SimSpec) => Promise<SimResult>;

export async function predictPlan(plan: Plan, o: {
  profile: MachineProfile | null;
  section: SimulateSection;     // the plan's simulate: section, or its defaults
  policies: string[];           // the cache policies the simulator can replay
  geometryOf: (preset: string) => Geometry;
  simulate: Simulate;
  statedDense?: StatedDense;    // a dense part known otherwise (machines whose kernels are not probed)
  /** Predict for another machine running the full model: its compute backend, and all of the
   * preset's layers (per-layer figures carry over from the scale model, DESIGN §2). */
  asMachine?: { backend: string; computeThreads: number; fullModel: boolean };
  now?: Date;
}): Promise<StoredPredictions> {
  const rates = machineRates(o.profile);
  const cores = o.profile?.machine.cores ?? 1;
  const out: StoredPredictions["predictions"] = [];
  for (const g of simGroups(plan, { ...o.section, policies: [], capacities: [] }, o.policies)) {
    // Each configuration's setup and readahead; configurations of one group that read ahead
    // differently (engine, reads in flight) are simulated apart.
    const points = g.points.map((point) => {
      const spec = plan.runs.find((r) => r.config === point.config)!;
      const own = setupFromSpec(spec, o.geometryOf(spec.model.preset), cores);
      const m = o.asMachine;
      const setup = m ? { ...own, backend: m.backend, computeThreads: m.computeThreads, layers: m.fullModel ? spec.model.presetLayers : own.layers } : own;
      return { point, spec, setup, readahead: readaheadFor(o.section.readahead, own, rates) };
    });
    for (const bytes of [...new Set(points.map((p) => p.readahead.bytes))]) {
      const here = points.filter((p) => p.readahead.bytes === bytes);
      const cells = [...new Map(here.filter((p) => o.policies.includes(p.point.policy))
        .map(({ point: { policy, entries } }) => [`${policy}@${entries}`, { policy, entries }])).values()];
      const result = cells.length
        ? await o.simulate(g.engine, {
            cells, warmup: g.warmup, threads: o.section.threads,
            pagecache: { model: o.section.pagecache, bytes: g.pageCacheBytes, readahead_bytes: bytes, active_fraction: o.section.active_fraction },
          })
        : null;
      for (const { point, spec, setup, readahead } of here) {
        const cell = result?.cells.find((c) => c.policy === point.policy && c.entries === point.entries);
        const notes = [...(point.note ? [point.note] : []), ...(readahead.said ? [readahead.basis] : [])];
        if (!cell || !result || cell.status < 0) {
          const why = cell?.error ?? point.note ?? `${point.policy} is not a policy the simulator replays`;
          out.push({ config: point.config, label: point.config, setup, tokS: null, timeS: null, layer: null, traffic: emptyTraffic(), basis: { io: null, compute: null }, missing: [why], sources: [], notes });
          continue;
        }
        // Bytes per token scale with the layers predicted for (the simulator ran the scale model's).
        const perLayer = setup.layers / spec.model.layers;
        const t = trafficFromSimCell(cell, result.tokens - result.warmup, result.record_bytes);
        const traffic = perLayer === 1 ? t : scaleTraffic(t, perLayer);
        out.push({ config: point.config, notes, ...predict({ label: point.config, setup, traffic, rates, statedDense: o.statedDense }) });
      }
    }
  }
  const order = new Map(plan.runs.map((r, i) => [r.config, i]));
  out.sort((a, b) => order.get(a.config)! - order.get(b.config)!);
  return {
    schema: 1,
    kind: "predictions",
    experiment: plan.name,
    createdAt: (o.now ?? new Date()).toISOString(),
    profile: o.profile,
    simulator: { pagecache: o.section.pagecache, readaheadBytes: o.section.readahead, activeFraction: o.section.active_fraction },
    predictions: out,
  };
}

const scaleTraffic = (t: Traffic, k: number): Traffic => ({
  requested: t.requested * k, appCache: t.appCache * k, pageCache: t.pageCache * k, device: t.device * k,
  directDevice: t.directDevice * k, readahead: t.readahead === null ? null : t.readahead * k, prefetchDevice: t.prefetchDevice * k,
});

const emptyTraffic = () => ({ requested: 0, appCache: 0, pageCache: 0, device: 0, directDevice: 0, readahead: null, prefetchDevice: 0 });
