/* tierbench.h — the public C ABI of the tierbench engine, the only header bun:ffi binds.
 * Rules: every call returns a status (TB_OK = 0, negative = error, see tb_last_error());
 * only int32, double, C strings and pointers cross the ABI (never u64, never structs by value);
 * the library never prints to stdout and never exits. */
#ifndef TIERBENCH_H
#define TIERBENCH_H

#ifdef __cplusplus
extern "C" {
#endif

#define TB_ABI_VERSION 1

/* Status codes. Positive values are non-error progress states. */
enum {
  TB_OK = 0,
  TB_MORE = 1,            /* tb_step / tb_gen_step: call again */
  TB_ERR_ARG = -1,        /* bad key, bad value, bad argument */
  TB_ERR_STATE = -2,      /* call not valid in this lifecycle state */
  TB_ERR_IO = -3,         /* read/write/open failed (message names file, offset, errno) */
  TB_ERR_MODEL = -4,      /* model files do not match manifest / geometry */
  TB_ERR_NOMEM = -5,      /* allocation failed */
  TB_ERR_UNAVAILABLE = -6,/* feature not compiled in or not supported here */
  TB_ERR_CANCELLED = -7,  /* tb_cancel() was honoured */
  TB_ERR_INJECTED = -8,   /* fault injection (fault.fail_after_tokens) */
  TB_ERR_TRACE = -9,      /* routing trace malformed */
};

typedef struct tb_engine tb_engine;

/* ---- library-wide ------------------------------------------------------------------ */
int tb_abi_version(void);
/* Message of the last failed call on this thread ("" if none). Valid until the next call. */
const char *tb_last_error(void);
/* JSON description of everything the compiled engine has: {"abi":1,"keys":[{name,type,
 * default,min,max,values,help}],"presets":[...],"policies":[...],"prefetchers":[...],
 * "io_engines":[...],"backends":[...],"kernels":[...],"stages":[...]}. Static storage. */
const char *tb_describe_json(void);

/* ---- engine lifecycle: new → set* → open → step* → stats → free ------------------------ */
tb_engine *tb_engine_new(void);
void tb_engine_free(tb_engine *e);
/* Setters validate against the key registry: unknown key or out-of-range value → TB_ERR_ARG
 * with a message naming the key and what is allowed. Sizes in bytes go through tb_set_real
 * (exact to 2^53). Only valid before tb_open. */
int tb_set_int(tb_engine *e, const char *key, int value);
int tb_set_real(tb_engine *e, const char *key, double value);
int tb_set_str(tb_engine *e, const char *key, const char *value);
/* Resolved configuration (every key, defaults filled) as JSON. Valid until the next call on e. */
const char *tb_config_json(tb_engine *e);

/* Open the model (model.dir), materialise routing, allocate and touch all run state. */
int tb_open(tb_engine *e);
/* Run tokens until budget_ms of wall time has passed or the run ends.
 * Returns TB_MORE (call again), TB_OK (run finished) or an error. */
int tb_step(tb_engine *e, double budget_ms);
/* Ask a running step to stop at the next token boundary; the next tb_step returns
 * TB_ERR_CANCELLED. Safe to call from another thread. */
void tb_cancel(tb_engine *e);

/* ---- statistics (self-describing) ----------------------------------------------------- */
int tb_stat_count(tb_engine *e);
const char *tb_stat_name(tb_engine *e, int i);
/* Fill out[0..n) with the counters (n ≤ tb_stat_count). Returns the number written. */
int tb_stats_read(tb_engine *e, double *out, int n);
/* Per-token wall latency in seconds for tokens run so far. Returns the number written. */
int tb_token_times(tb_engine *e, double *out, int n);
/* Per-layer counters: out is [layers][tb_layer_stat_count()] row-major. */
int tb_layer_stat_count(void);
const char *tb_layer_stat_name(int i);
int tb_layer_stats_read(tb_engine *e, double *out, int n);
/* Per-token counters: out is [tokens run][tb_token_counter_count()] row-major (requests,
 * app_hits, resident_entries: the token's requests and application-cache hits, and the cache's
 * occupied slots at its end). out == NULL, n == 0: the number of doubles a full read writes. */
int tb_token_counter_count(void);
const char *tb_token_counter_name(int i);
int tb_token_counters_read(tb_engine *e, double *out, int n);
/* Hash of every token's final hidden state so far, as 16 hex digits. */
const char *tb_output_hash(tb_engine *e);

/* ---- models ---------------------------------------------------------------------------- */
/* Generate the model described by the model.* and gen.* keys into model.dir, in steps.
 * *progress gets the fraction done in [0,1]. Manifest written last (commit marker). */
int tb_gen_begin(tb_engine *e);
int tb_gen_step(tb_engine *e, double budget_ms, double *progress);
/* Check a model directory against its manifest; TB_OK or TB_ERR_MODEL with a message that
 * names the file, expected and actual size. */
int tb_model_check(const char *dir);
/* Import a Flash-MoE packed_experts/ directory (layer_XX.bin) as a tierbench model in dst_dir:
 * sizes checked against the preset at `bits`, layer files linked, synthetic resident weights
 * generated (seed), manifest written last. */
int tb_model_import(const char *src_dir, const char *preset, int bits, int seed, const char *dst_dir);

/* ---- routing --------------------------------------------------------------------------- */
/* Write routing as a binary trace at path. After tb_open: the routing the run uses (a recording,
 * for exact replay). Before: the routing the configuration describes (routing.* keys over
 * run.tokens tokens, for the geometry of model.preset / model.* and routing.k), materialised
 * the way tb_open does — for statistics and calibration of synthetic workloads. */
int tb_routing_write(tb_engine *e, const char *path);

/* ---- page cache (Linux; elsewhere TB_ERR_UNAVAILABLE) ------------------------------------ */
/* Sync a file's dirty pages, then drop its cached pages (posix_fadvise DONTNEED). Pages that a
 * process keeps mapped stay: check with tb_pagecache_resident. */
int tb_pagecache_drop(const char *path);
/* Bytes of the file resident in the page cache now (mincore on an untouched mapping). */
int tb_pagecache_resident(const char *path, double *resident_bytes);
/* Read the whole file through the page cache (its pages are charged to the caller's memory
 * cgroup); *bytes_read gets the bytes read. */
int tb_pagecache_preread(const char *path, double *bytes_read);

/* ---- trace-driven simulation (no I/O) -------------------------------------------------- */
typedef struct tb_sim tb_sim;
/* Replay the routing e's configuration describes (model.preset / model.* geometry, routing.*,
 * run.tokens; cache.scope, io.direct, prefetch.* and pin.* as a run would use them, prefetch as
 * in prefetch.mode=deterministic; a cell's policy may be an alias such as "prefetch"; no model
 * files are opened)
 * through the policy code of the engine, one cell per {policy, entries} of spec_json:
 *   {"cells":[{"policy":"lru","entries":16},…], "warmup":0, "threads":0,
 *    "pagecache":{"model":"off"|"lru"|"2q","bytes":B,"readahead_bytes":R,"active_fraction":0.5}}
 * entries are per cache (per layer when cache.scope is per-layer); warmup tokens are replayed but
 * not counted; pagecache.bytes is the page cache available, the application cache included (its
 * entries × record bytes come out of it); threads 0 = one per CPU. Cells start on worker
 * threads at once. NULL on error (tb_last_error). */
tb_sim *tb_sim_new(tb_engine *e, const char *spec_json);
/* Wait up to budget_ms: TB_MORE while cells run, TB_OK when all are done, or the first failed
 * cell's error. *progress (may be NULL) gets the fraction of cells done. */
int tb_sim_step(tb_sim *s, double budget_ms, double *progress);
/* Cells not started are skipped, running ones stop at a token; tb_sim_step then fails. */
void tb_sim_cancel(tb_sim *s);
/* After tb_sim_step returned TB_OK: {"layers","experts","k","tokens","warmup","record_bytes",
 * "scope","direct","pagecache":{…},"cells":[{"policy","entries","capacity","requests","hits",
 * "misses","insertions","bypasses","evictions","direct_reads","buffered_reads",
 * "requested_bytes","page_cache_bytes","device_bytes","readahead_bytes",
 * "pagecache_capacity_bytes","prefetch_predictions","prefetch_resident","prefetch_dropped",
 * "prefetch_issued","prefetch_useful","prefetch_wasted","prefetch_reads",
 * "prefetch_page_cache_bytes","prefetch_device_bytes","pinned","layer_requests":[…],
 * "layer_hits":[…]}], "prefetch":{"predictor","depth"}, "pin":{"top_n","window"}}. Valid until
 * tb_sim_free. */
const char *tb_sim_result_json(tb_sim *s);
void tb_sim_free(tb_sim *s);

#ifdef __cplusplus
}
#endif
#endif
