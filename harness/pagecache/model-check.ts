// The simulator's page-cache model checked against measured page-cache hits: each budgeted run
// that started cold is replayed (same routing, same application cache) through the model with
// the page cache its budget left, and the share of read bytes the model finds cached is set
// beside the share the engine measured (mincore just before each read). Written once per sweep
// to pagecache-check.json; the report shows it.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunRecord } from "../results/run-record.ts";
import { simulate } from "../sim/sim-binding.ts";
import type { PagecacheModel } from "../sim/simulate-section.ts";

export const PAGECACHE_CHECK_FILE = "pagecache-check.json";
const MODELS: Exclude<PagecacheModel, "off">[] = ["lru", "2q"];

export interface PageCacheCheckRow {
  runId: string;
  variant: string;
  availableBytes: number;       // page cache the budget left for the model's pages (the application cache included)
  readaheadBytes: number;       // the model's readahead past a record: the disk's read_ahead_kb, 0 under io.fadvise random
  measuredShare: number;        // page-cache bytes / bytes read, as the engine measured
  predicted: { model: string; share: number; error: number }[]; // error: predicted − measured share
}

export interface PageCacheCheck {
  skipped: { runId: string; why: string }[];
  rows: PageCacheCheckRow[];
}

const share = (cached: number, device: number) => (cached + device > 0 ? cached / (cached + device) : 0);

/** Why a run cannot be checked, or null when it can. */
export function uncheckable(r: RunRecord, policies: readonly string[]): string | null {
  const env = r.environment;
  const st = r.samples?.stats;
  if (r.status !== "ok" || !st || !r.samples?.config) return "did not finish";
  if (!env?.budget.enforced || !env.budget.limitBytes || !env.budget.composition) return "no enforced budget: the page cache it had is unknown";
  if (env.pageCache.state !== "cold") return `started ${env.pageCache.state}; the model starts with an empty page cache`;
  if (!policies.includes(String(r.engine["cache.policy"]))) return `${r.engine["cache.policy"]} adds a prefetch predictor: the simulator replays demand traffic only`;
  if (String(r.engine["prefetch.predictor"] ?? "none") !== "none") return "a prefetch predictor ran: the simulator replays demand traffic only";
  if (!((st.buffered_reads ?? 0) > 0)) return "no buffered reads: nothing went through the page cache";
  return null;
}

/** Page cache the run's budget left for expert records: the limit less the runner's overhead
 * and the resident weights' file (read on every token, so always cached). */
function availableBytes(r: RunRecord): number {
  const { budget: b, pageCache } = r.environment!;
  return Math.max(0, b.limitBytes! - b.composition!.overheadBytes - pageCache.residentFileBytes);
}

/** The run's resolved engine settings with the geometry its model's manifest gave it (a run
 * takes its geometry from the model it opens; the simulator opens no model files). */
function simEngineOf(r: RunRecord): Record<string, string | number | boolean> {
  const cfg = { ...(r.samples!.config as Record<string, string | number | boolean>) };
  const manifestPath = join(String(cfg["model.dir"]), "manifest.json");
  if (!existsSync(manifestPath)) return cfg;
  const g = (JSON.parse(readFileSync(manifestPath, "utf8")) as { geometry: Record<string, number> }).geometry;
  for (const [k, v] of Object.entries(g)) if (k !== "k" && `model.${k}` in cfg) cfg[`model.${k}`] = v;
  cfg["model.preset"] = "";
  if (Number(cfg["routing.k"]) === 0) cfg["routing.k"] = g.k!;
  return cfg;
}

/** The kernel reads ahead up to read_ahead_kb past a buffered read, unless told the file is
 * read at random (io.fadvise random turns readahead off). */
function readaheadOf(r: RunRecord): number {
  if (r.engine["io.fadvise"] === "random") return 0;
  return (r.environment!.counters?.readAheadKb ?? r.context.machine.storage?.readAheadKb ?? 0) * 1024;
}

export async function checkPageCacheModel(records: readonly RunRecord[], policies: readonly string[]): Promise<PageCacheCheck> {
  const out: PageCacheCheck = { skipped: [], rows: [] };
  for (const r of records) {
    const why = uncheckable(r, policies);
    if (why) {
      out.skipped.push({ runId: r.run.id, why });
      continue;
    }
    const st = r.samples!.stats;
    const layers = Number(r.engine["model.layers"]);
    const perLayer = r.engine["cache.scope"] === "per-layer";
    // Entries per cache, as the engine counted them (all caches together in the counter).
    const entries = r.engine["cache.policy"] === "none" ? 0 : Math.round((st.cache_capacity_entries ?? 0) / (perLayer ? layers : 1));
    const available = availableBytes(r);
    const readaheadBytes = readaheadOf(r);
    const predicted: PageCacheCheckRow["predicted"] = [];
    for (const model of MODELS) {
      const sim = await simulate(simEngineOf(r), {
        cells: [{ policy: String(r.engine["cache.policy"]), entries }], warmup: 0, threads: 1,
        pagecache: { model, bytes: available, readahead_bytes: readaheadBytes, active_fraction: 0.5 },
      });
      const cell = sim.cells[0]!;
      const p = share(cell.page_cache_bytes, cell.device_bytes);
      predicted.push({ model, share: p, error: p - share(st.page_cache_bytes ?? 0, st.device_bytes ?? 0) });
    }
    out.rows.push({ runId: r.run.id, variant: r.run.variant, availableBytes: available, readaheadBytes, measuredShare: share(st.page_cache_bytes ?? 0, st.device_bytes ?? 0), predicted });
  }
  return out;
}

export function writePageCacheCheck(dir: string, check: PageCacheCheck): void {
  writeFileSync(join(dir, PAGECACHE_CHECK_FILE), `${JSON.stringify(check, null, 2)}\n`);
}

export function readPageCacheCheck(dir: string): PageCacheCheck | null {
  const path = join(dir, PAGECACHE_CHECK_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as PageCacheCheck) : null;
}
