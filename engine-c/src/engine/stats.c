/* stats.c — the exported names of stages and counters (from the X-macro lists in stats.h) and
 * one line of meaning per counter, so every number the engine reports is defined in one place. */
#include "stats.h"

const char *const tb_stage_names[TB_STAGE_COUNT] = {
#define TB_STAGE_NAME(n) #n,
  TB_STAGES(TB_STAGE_NAME)
#undef TB_STAGE_NAME
};

const char *const tb_counter_names[TB_COUNTER_COUNT] = {
#define TB_COUNTER_NAME(n) #n,
  TB_COUNTERS(TB_COUNTER_NAME)
#undef TB_COUNTER_NAME
};

const char *const tb_layer_counter_names[TB_LAYER_COUNTER_COUNT] = {
#define TB_LAYER_NAME(n) #n,
  TB_LAYER_COUNTERS(TB_LAYER_NAME)
#undef TB_LAYER_NAME
};

const char *const tb_token_counter_names[TB_TOKEN_COUNTER_COUNT] = {
#define TB_TOKEN_NAME(n) #n,
  TB_TOKEN_COUNTERS(TB_TOKEN_NAME)
#undef TB_TOKEN_NAME
};

const char *const tb_counter_help[TB_COUNTER_COUNT] = {
  [TB_C_tokens] = "tokens run",
  [TB_C_layers_run] = "token-layers run (tokens x layers)",
  [TB_C_run_wall_s] = "wall time of the tokens run; equals the sum of the stage wall times",
  [TB_C_run_cpu_s] = "CPU time of the thread running the token loop; the sum of the stage CPU times",
  [TB_C_process_cpu_s] = "CPU time of the whole process (I/O and compute workers included) while tokens ran",
  [TB_C_dense_wall_s] = "wall time in the dense part (and the token's embedding)",
  [TB_C_routing_wall_s] = "wall time releasing each layer's routing",
  [TB_C_cache_wall_s] = "wall time in cache bookkeeping: lookups, evictions, page residency checks",
  [TB_C_wait_wall_s] = "wall time issuing expert reads and waiting for their bytes",
  [TB_C_expert_wall_s] = "wall time in the shared and routed expert FFNs",
  [TB_C_combine_wall_s] = "wall time combining expert outputs and hashing the final state",
  [TB_C_dense_cpu_s] = "loop-thread CPU time of the dense stage",
  [TB_C_routing_cpu_s] = "loop-thread CPU time of the routing stage",
  [TB_C_cache_cpu_s] = "loop-thread CPU time of the cache stage",
  [TB_C_wait_cpu_s] = "loop-thread CPU time of the wait stage",
  [TB_C_expert_cpu_s] = "loop-thread CPU time of the expert stage",
  [TB_C_combine_cpu_s] = "loop-thread CPU time of the combine stage",
  [TB_C_requests] = "routed expert requests to the application cache (tokens x layers x K): app_hits + app_misses + app_late",
  [TB_C_app_hits] = "requests served from the application cache with their bytes already in (a late prefetch is not a hit)",
  [TB_C_app_misses] = "requests not in the application cache (bypasses included)",
  [TB_C_app_late] = "requests whose application-cache entry was still being filled by a prefetch read: neither hits nor misses; the loop waited for that read",
  [TB_C_app_bypasses] = "misses read into a scratch buffer, not cached",
  [TB_C_app_insertions] = "misses admitted into a cache slot",
  [TB_C_app_evictions] = "entries evicted from the application cache",
  [TB_C_reads] = "expert reads issued to the I/O engine",
  [TB_C_demand_reads] = "reads issued by the token loop's demand",
  [TB_C_prefetch_reads] = "reads issued by a prefetcher",
  [TB_C_requested_bytes] = "expert bytes the token loop needed (requests x record size): app_cache_bytes + read_bytes + app_late x record",
  [TB_C_read_bytes] = "bytes of demand reads asked of the I/O engine (page_cache_bytes + device_bytes, unless io.engine=null)",
  [TB_C_app_cache_bytes] = "requested bytes found in the application cache",
  [TB_C_page_cache_bytes] = "demand read bytes resident in the page cache just before a buffered read (mincore)",
  [TB_C_device_bytes] = "demand read bytes not resident before the read, and every direct demand read's bytes",
  [TB_C_direct_reads] = "reads through the O_DIRECT descriptor",
  [TB_C_buffered_reads] = "reads through the page cache",
  [TB_C_copy_s] = "service time (start to done) of buffered reads wholly resident in the page cache: page-cache copies",
  [TB_C_read_latency_s] = "sum over reads of submit-to-done time",
  [TB_C_issue_before_release] = "demand reads issued before their layer's routing was released (must be 0)",
  [TB_C_min_issue_lag_s] = "smallest read-issue time minus routing-release time over demand reads (0 if none)",
  [TB_C_prefetch_predictions] = "experts a prefetch predictor named: prefetch_resident + prefetch_dropped + prefetch_issued",
  [TB_C_prefetch_resident] = "predictions already resident in the application cache (or, with none, already being warmed): nothing to do",
  [TB_C_prefetch_dropped] = "predictions the cache refused or had no slot for (every slot pinned or in use by the current layer)",
  [TB_C_prefetch_issued] = "predictions that fetched bytes: application cache fills, or page-cache warms (reads or hints): prefetch_useful + prefetch_late + prefetch_wasted",
  [TB_C_prefetch_hints] = "page-cache warms done by a readahead hint (prefetch.warm=hint), not a read",
  [TB_C_prefetch_read_bytes] = "bytes of prefetch reads (prefetch_page_cache_bytes + prefetch_device_bytes, unless io.engine=null)",
  [TB_C_prefetch_page_cache_bytes] = "prefetch read bytes resident in the page cache just before the read (mincore)",
  [TB_C_prefetch_device_bytes] = "prefetch read bytes not resident before the read, and every direct prefetch read's bytes",
  [TB_C_prefetch_useful] = "issued prefetches whose first demand found the bytes in: an application-cache hit, or (no application cache) a record wholly in the page cache",
  [TB_C_prefetch_late] = "issued prefetches still in flight when first demanded (app_late, and with no application cache, warms still reading or, for hints, records partly in the page cache)",
  [TB_C_prefetch_wasted] = "issued prefetches not used: evicted (application or page cache) before their first demand, or not demanded yet",
  [TB_C_prefetch_wasted_bytes] = "bytes of the wasted prefetches (prefetch_wasted x record size)",
  [TB_C_prefetch_issue_s] = "wall time predicting and issuing prefetches (part of the cache stage)",
  [TB_C_prefetch_wait_s] = "wall time the token loop was blocked on prefetch reads alone: late ones once the layer's demand reads were in, draining them before a lookup (deterministic mode), or a full prefetch queue (part of the wait stage)",
  [TB_C_demand_queue_s] = "sum over demand reads of the time queued before a worker took them (submit to start): grows when prefetch reads hold the workers",
  [TB_C_cache_capacity_entries] = "application cache slots, all caches together",
  [TB_C_cache_capacity_bytes] = "application cache bytes (slots x record size)",
  [TB_C_cache_peak_entries] = "most slots occupied, summed over caches",
  [TB_C_pinned_entries] = "application cache slots holding pinned experts (inside cache_capacity_entries; never evicted)",
  [TB_C_pinned_bytes] = "bytes of the pinned experts (pinned_entries x record size), inside cache_capacity_bytes",
  [TB_C_pin_reads] = "reads that loaded pinned experts not already resident (outside the tokens' time)",
  [TB_C_pin_load_s] = "wall time loading pins (at open for pin.file, after the window for pin.window), outside run_wall_s",
  [TB_C_dense_bytes_per_layer] = "bytes of one layer's resident dense matrices (one pass reads them once)",
  [TB_C_expert_record_bytes] = "bytes of one routed expert record",
  [TB_C_expert_device_s] = "time a device backend (metal) was busy with the expert FFNs, from its GPU "
                            "timestamps (overlapped mode: partly under wait_wall_s); 0 on cpu",
  [TB_C_combine_device_s] = "time a device backend (metal) spent on the combine, from its GPU "
                             "timestamps; inside combine_wall_s; 0 on cpu",
};
