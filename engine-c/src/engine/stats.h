/* stats.h — the engine's self-describing counters: one X-macro list gives each counter its
 * index and its exported name, so the ABI's names and the array can never disagree.
 * Units are in the names: _s seconds, _bytes bytes, plain = counts. */
#ifndef TB_STATS_H
#define TB_STATS_H

/* The stages of a layer; their wall times sum to the token's wall time (no catch-all). */
#define TB_STAGES(X) X(dense) X(routing) X(cache) X(wait) X(expert) X(combine)
enum {
#define TB_STAGE_ENUM(n) TB_STAGE_##n,
  TB_STAGES(TB_STAGE_ENUM)
#undef TB_STAGE_ENUM
  TB_STAGE_COUNT
};
extern const char *const tb_stage_names[TB_STAGE_COUNT];

#define TB_COUNTERS(X) \
  X(tokens) X(layers_run) X(run_wall_s) X(run_cpu_s) X(process_cpu_s) \
  X(dense_wall_s) X(routing_wall_s) X(cache_wall_s) X(wait_wall_s) X(expert_wall_s) X(combine_wall_s) \
  X(dense_cpu_s) X(routing_cpu_s) X(cache_cpu_s) X(wait_cpu_s) X(expert_cpu_s) X(combine_cpu_s) \
  X(requests) X(app_hits) X(app_misses) X(app_late) X(app_bypasses) X(app_insertions) X(app_evictions) \
  X(reads) X(demand_reads) X(prefetch_reads) \
  X(requested_bytes) X(read_bytes) X(app_cache_bytes) X(page_cache_bytes) X(device_bytes) \
  X(direct_reads) X(buffered_reads) X(copy_s) X(read_latency_s) \
  X(issue_before_release) X(min_issue_lag_s) \
  X(prefetch_predictions) X(prefetch_resident) X(prefetch_dropped) X(prefetch_issued) \
  X(prefetch_hints) X(prefetch_read_bytes) X(prefetch_page_cache_bytes) X(prefetch_device_bytes) \
  X(prefetch_useful) X(prefetch_late) X(prefetch_wasted) X(prefetch_wasted_bytes) \
  X(prefetch_issue_s) X(prefetch_wait_s) X(demand_queue_s) \
  X(cache_capacity_entries) X(cache_capacity_bytes) X(cache_peak_entries) \
  X(pinned_entries) X(pinned_bytes) X(pin_reads) X(pin_load_s) \
  X(dense_bytes_per_layer) X(expert_record_bytes) \
  X(expert_device_s) X(combine_device_s)

enum {
#define TB_COUNTER_ENUM(n) TB_C_##n,
  TB_COUNTERS(TB_COUNTER_ENUM)
#undef TB_COUNTER_ENUM
  TB_COUNTER_COUNT
};
extern const char *const tb_counter_names[TB_COUNTER_COUNT];
extern const char *const tb_counter_help[TB_COUNTER_COUNT];   /* one line of meaning each */

/* Per-layer counters: [layers][TB_LAYER_COUNTER_COUNT]. */
#define TB_LAYER_COUNTERS(X) \
  X(requests) X(app_hits) X(page_cache_bytes) X(device_bytes) X(wall_s) X(wait_s)
enum {
#define TB_LAYER_ENUM(n) TB_L_##n,
  TB_LAYER_COUNTERS(TB_LAYER_ENUM)
#undef TB_LAYER_ENUM
  TB_LAYER_COUNTER_COUNT
};
extern const char *const tb_layer_counter_names[TB_LAYER_COUNTER_COUNT];

/* Per-token counters: [tokens][TB_TOKEN_COUNTER_COUNT] — the token's expert requests and
 * application-cache hits, and the application cache's occupied slots at the token's end (all
 * caches together): warm-up and steady state of the cache, token by token. */
#define TB_TOKEN_COUNTERS(X) X(requests) X(app_hits) X(resident_entries)
enum {
#define TB_TOKEN_ENUM(n) TB_T_##n,
  TB_TOKEN_COUNTERS(TB_TOKEN_ENUM)
#undef TB_TOKEN_ENUM
  TB_TOKEN_COUNTER_COUNT
};
extern const char *const tb_token_counter_names[TB_TOKEN_COUNTER_COUNT];

#endif
