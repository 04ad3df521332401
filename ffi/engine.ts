// engine.ts — the typed Engine: one tb_engine driven through its lifecycle
// (set → open → step… → stats → close). Each step is bounded in time so the event loop, progress
// and cancel stay responsive; every C failure becomes a TbError with the engine's message.
import type { Pointer } from "bun:ffi";
import { describe, type KeyInfo, type KeyValue } from "./describe.ts";
import { asPointer, check, cstr, lastError, library, readCString, type Library } from "./library.ts";
import { Status, TbError } from "./status.ts";

export type StepResult = "more" | "done";

export interface EngineOptions {
  lib?: Library;
}

export interface RunOptions {
  /** wall-time budget of one step, ms (default 100) */
  budgetMs?: number;
  /** called after every step with the stats so far */
  onStep?: (stats: Record<string, number>) => void;
}

// Safety net: an Engine dropped without close() is freed when collected.
const finalizer = new FinalizationRegistry<{ lib: Library; ptr: Pointer }>(({ lib, ptr }) =>
  lib.sym.tb_engine_free(ptr),
);

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function allowed(k: KeyInfo): string {
  if (k.values) return k.values.map((v) => JSON.stringify(v)).join(", ");
  if (k.min !== undefined) return `${k.min}..${k.max}`;
  return k.type === "str" ? `a string of at most ${k.max_length} bytes` : k.type;
}

export class Engine {
  readonly lib: Library;
  #ptr: Pointer | null;

  constructor(o: EngineOptions = {}) {
    this.lib = o.lib ?? library();
    const p = asPointer(this.lib.sym.tb_engine_new());
    if (p === null) throw new TbError(Status.ERR_NOMEM, "tb_engine_new", lastError(this.lib));
    this.#ptr = p;
    finalizer.register(this, { lib: this.lib, ptr: p }, this);
  }

  get closed(): boolean {
    return this.#ptr === null;
  }

  #p(call: string): Pointer {
    if (this.#ptr === null) throw new Error(`${call}: the engine is closed`);
    return this.#ptr;
  }

  #check(rc: number, call: string): number {
    return check(this.lib, rc, call);
  }

  /** Set one key, through the setter its registry type calls for. */
  set(key: string, value: KeyValue): this {
    const p = this.#p("set");
    const info = describe(this.lib).keys.find((k) => k.name === key);
    const bad = (what: string) =>
      new TbError(Status.ERR_ARG, "set", `${key}: ${JSON.stringify(value)} is ${what}; allowed ${allowed(info!)}`);
    if (!info) {
      // unknown key: the engine's message names it and suggests the closest known key
      this.#check(this.lib.sym.tb_set_str(p, cstr(key, "key"), cstr(String(value))), "tb_set_str");
      return this;
    }
    const k = cstr(key, "key");
    switch (info.type) {
      case "int":
        if (typeof value !== "number" || !Number.isInteger(value)) throw bad("not an integer");
        if (value < INT32_MIN || value > INT32_MAX) throw bad("out of range");
        this.#check(this.lib.sym.tb_set_int(p, k, value), "tb_set_int");
        break;
      case "bool":
        if (typeof value !== "boolean") throw bad("not a boolean");
        this.#check(this.lib.sym.tb_set_int(p, k, value ? 1 : 0), "tb_set_int");
        break;
      case "real":
        if (typeof value !== "number") throw bad("not a number");
        this.#check(this.lib.sym.tb_set_real(p, k, value), "tb_set_real");
        break;
      default:
        if (typeof value !== "string") throw bad("not a string");
        this.#check(this.lib.sym.tb_set_str(p, k, cstr(value, key)), "tb_set_str");
    }
    return this;
  }

  /** Set several keys in order; the first failure throws. */
  setAll(values: Record<string, KeyValue>): this {
    for (const [k, v] of Object.entries(values)) this.set(k, v);
    return this;
  }

  /** The resolved configuration: every key with its current value. */
  config(): Record<string, KeyValue> {
    const text = readCString(this.lib.sym.tb_config_json(this.#p("config")));
    if (text === null) throw new TbError(Status.ERR_NOMEM, "tb_config_json", lastError(this.lib));
    return JSON.parse(text);
  }

  open(): this {
    this.#check(this.lib.sym.tb_open(this.#p("open")), "tb_open");
    return this;
  }

  /** Run whole tokens for about budgetMs of wall time. */
  step(budgetMs = 100): StepResult {
    const rc = this.#check(this.lib.sym.tb_step(this.#p("step"), budgetMs), "tb_step");
    return rc === Status.MORE ? "more" : "done";
  }

  /** Step to the end, yielding to the event loop between steps. */
  async run(o: RunOptions = {}): Promise<Record<string, number>> {
    for (;;) {
      const r = this.step(o.budgetMs ?? 100);
      o.onStep?.(this.stats());
      if (r === "done") return this.stats();
      await Bun.sleep(0);
    }
  }

  /** Make the current or next step stop at a token boundary with TB_ERR_CANCELLED. */
  cancel(): void {
    if (this.#ptr !== null) this.lib.sym.tb_cancel(this.#ptr);
  }

  /** Every run counter by name (units in the names: _s seconds, _bytes bytes). */
  stats(): Record<string, number> {
    const p = this.#p("stats");
    const n = this.lib.sym.tb_stat_count(p);
    const values = new Float64Array(n);
    const got = this.#check(this.lib.sym.tb_stats_read(p, values, n), "tb_stats_read");
    const out: Record<string, number> = {};
    for (let i = 0; i < got; i++) out[readCString(this.lib.sym.tb_stat_name(p, i))!] = values[i]!;
    return out;
  }

  /** Per-layer counters, one record per layer. */
  layerStats(): Record<string, number>[] {
    const p = this.#p("layerStats");
    const width = this.lib.sym.tb_layer_stat_count();
    const names = Array.from({ length: width }, (_, i) => readCString(this.lib.sym.tb_layer_stat_name(i))!);
    const total = this.#check(this.lib.sym.tb_layer_stats_read(p, null, 0), "tb_layer_stats_read");
    if (total === 0) return [];
    const values = new Float64Array(total);
    const got = this.#check(this.lib.sym.tb_layer_stats_read(p, values, total), "tb_layer_stats_read");
    const layers: Record<string, number>[] = [];
    for (let l = 0; l * width < got; l++)
      layers.push(Object.fromEntries(names.map((name, i) => [name, values[l * width + i]!])));
    return layers;
  }

  /** Per-token counters of every token run so far, one array per counter name (values in token
   * order): requests, app_hits, resident_entries. */
  tokenCounters(): Record<string, number[]> {
    const p = this.#p("tokenCounters");
    const width = this.lib.sym.tb_token_counter_count();
    const names = Array.from({ length: width }, (_, i) => readCString(this.lib.sym.tb_token_counter_name(i))!);
    const total = this.#check(this.lib.sym.tb_token_counters_read(p, null, 0), "tb_token_counters_read");
    const values = new Float64Array(total);
    const got = total === 0 ? 0 : this.#check(this.lib.sym.tb_token_counters_read(p, values, total), "tb_token_counters_read");
    return Object.fromEntries(names.map((name, i) => [name, Array.from({ length: got / width }, (_, t) => values[t * width + i]!)]));
  }

  /** Wall time of every token run so far, seconds. */
  tokenTimes(): Float64Array {
    const p = this.#p("tokenTimes");
    const n = this.#check(this.lib.sym.tb_token_times(p, null, 0), "tb_token_times");
    if (n === 0) return new Float64Array(0);
    const out = new Float64Array(n);
    const got = this.#check(this.lib.sym.tb_token_times(p, out, n), "tb_token_times");
    return out.subarray(0, got);
  }

  /** Hash of every token's final hidden state so far: 16 hex digits. */
  outputHash(): string {
    const h = readCString(this.lib.sym.tb_output_hash(this.#p("outputHash")));
    if (h === null) throw new TbError(Status.ERR_STATE, "tb_output_hash", lastError(this.lib));
    return h;
  }

  /** Free the engine (idempotent). */
  close(): void {
    if (this.#ptr === null) return;
    finalizer.unregister(this);
    this.lib.sym.tb_engine_free(this.#ptr);
    this.#ptr = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal the raw handle, for model-files.ts */
  get handle(): Pointer {
    return this.#p("handle");
  }
}
