// One simulation through the engine library (tb_sim_*): an Engine configured with the group's
// engine keys describes the routing; the cells run on the engine's worker threads while this
// waits in ~100 ms steps, so progress shows and Ctrl-C (an AbortSignal) cancels.
import type { Pointer } from "bun:ffi";
import { Engine } from "../../ffi/index.ts";
import { asPointer, check, cstr, lastError, readCString } from "../../ffi/library.ts";
import { Status, TbError } from "../../ffi/status.ts";
import type { EngineValue } from "../engine/registry.ts";
import type { SimCell } from "./sim-groups.ts";
import type { PagecacheModel } from "./simulate-section.ts";

export interface SimSpec {
  cells: SimCell[];
  warmup: number;                // tokens
  threads: number;               // 0 = every CPU
  pagecache: { model: PagecacheModel; bytes: number; readahead_bytes: number; active_fraction: number };
}

/** One cell's counts, as tb_sim_result_json writes them (bytes are physical). */
export interface CellResult {
  policy: string;
  entries: number;               // asked, per cache
  capacity: number;              // per cache, after the engine's rules
  status: number;
  error?: string;
  requests: number; hits: number; misses: number; insertions: number; bypasses: number; evictions: number;
  direct_reads: number; buffered_reads: number;
  requested_bytes: number; page_cache_bytes: number; device_bytes: number; readahead_bytes: number;
  pagecache_capacity_bytes: number;
  // prefetch (prefetch.*, replayed deterministically) and pins (pin.*), counted as a run counts
  // them; the engine always writes them, stand-ins for the simulator may leave them out
  prefetch_predictions?: number; prefetch_resident?: number; prefetch_dropped?: number; prefetch_issued?: number;
  prefetch_useful?: number; prefetch_wasted?: number; prefetch_reads?: number;
  prefetch_page_cache_bytes?: number; prefetch_device_bytes?: number;
  pinned?: number;
  layer_requests: number[]; layer_hits: number[];
}

export interface SimResult {
  layers: number; experts: number; k: number; tokens: number; warmup: number; record_bytes: number;
  scope: "global" | "per-layer"; direct: string;
  pagecache: { model: PagecacheModel; bytes: number; readahead_bytes: number };
  prefetch?: { predictor: string; depth: number };
  pin?: { top_n: number; window: number };
  cells: CellResult[];
}

export interface SimulateOptions {
  budgetMs?: number;                        // per wait, default 100
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export async function simulate(engine: Record<string, EngineValue>, spec: SimSpec, o: SimulateOptions = {}): Promise<SimResult> {
  if (o.signal?.aborted) throw new TbError(Status.ERR_CANCELLED, "simulate", "cancelled before it started");
  const e = new Engine();
  let sim: Pointer | null = null;
  const sym = e.lib.sym;
  try {
    e.setAll(engine);
    sim = asPointer(sym.tb_sim_new(e.handle, cstr(JSON.stringify(spec), "spec")));
    if (sim === null) throw new TbError(Status.ERR_ARG, "tb_sim_new", lastError(e.lib));
    const progress = new Float64Array(1);
    const cancel = () => sym.tb_sim_cancel(sim!);
    o.signal?.addEventListener("abort", cancel);
    try {
      while (check(e.lib, sym.tb_sim_step(sim, o.budgetMs ?? 100, progress), "tb_sim_step") === Status.MORE) {
        o.onProgress?.(progress[0]!);
        await Bun.sleep(0);                  // let progress render and an abort arrive
      }
    } finally {
      o.signal?.removeEventListener("abort", cancel);
    }
    o.onProgress?.(1);
    const text = readCString(sym.tb_sim_result_json(sim));
    if (text === null) throw new TbError(Status.ERR_NOMEM, "tb_sim_result_json", lastError(e.lib));
    return JSON.parse(text) as SimResult;
  } finally {
    if (sim !== null) sym.tb_sim_free(sim);
    e.close();
  }
}
