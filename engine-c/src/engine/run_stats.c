/* run_stats.c — reading a run's counters: the loop's own, the application cache's (summed over
 * caches; the cache template is their only counter), per-token latencies, per-layer rows. */
#include "run_internal.h"
#include <math.h>
#include <string.h>

/* Prefetch outcomes from three places: the driver (what became of each prediction), the cache
 * template (fills, first demand uses, evictions unused) and the engine (late demands, page-cache
 * warms). A late demand is counted by the template as a hit: it is moved out of the hits here. */
static void prefetch_stats(const tb_run *r, double out[TB_COUNTER_COUNT]) {
  if (!r->prefetcher) return;
  tb_prefetch_counts n;
  tb_prefetcher_counts(r->prefetcher, &n);
  int64_t used = 0, unused = 0;
  for (int i = 0; i < r->n_caches; i++) {
    const tb_cache *c = r->cache[i];
    used += c->prefetch_used;
    unused += c->prefetch_evicted_unused + tb_cache_prefetched_unused(c);
  }
  out[TB_C_app_hits] -= (double)r->late_app;
  out[TB_C_app_late] = (double)r->late_app;
  out[TB_C_prefetch_predictions] = (double)n.predictions;
  out[TB_C_prefetch_resident] = (double)(n.resident + r->warm_dups);
  out[TB_C_prefetch_dropped] = (double)n.dropped;
  out[TB_C_prefetch_issued] = (double)(n.issued - r->warm_dups);
  out[TB_C_prefetch_useful] = (double)(used - r->late_app + r->warm_useful);
  /* prefetch_late is counted as it happens (app cache and warms alike) */
  out[TB_C_prefetch_wasted] = (double)(unused + r->warm_wasted + r->warm_outstanding);
  out[TB_C_prefetch_wasted_bytes] = out[TB_C_prefetch_wasted] * (double)r->model.rec.size;
}

void tb_run_stats(const tb_run *r, double out[TB_COUNTER_COUNT]) {
  memcpy(out, r->c, sizeof r->c);
  double cpu = 0;
  for (int s = 0; s < TB_STAGE_COUNT; s++) cpu += r->c[TB_C_dense_cpu_s + s];
  out[TB_C_run_cpu_s] = cpu;
  out[TB_C_min_issue_lag_s] = isinf(r->min_lag_s) ? 0 : r->min_lag_s;
  for (int i = 0; i < r->n_caches; i++) {
    const tb_cache *c = r->cache[i];
    out[TB_C_requests] += (double)c->requests;
    out[TB_C_app_hits] += (double)c->hits;
    out[TB_C_app_misses] += (double)c->misses;
    out[TB_C_app_bypasses] += (double)c->bypasses;
    out[TB_C_app_insertions] += (double)c->insertions;
    out[TB_C_app_evictions] += (double)c->evictions;
    out[TB_C_cache_peak_entries] += (double)c->peak_used;
    out[TB_C_pinned_entries] += (double)c->pinned_slots;
  }
  out[TB_C_pinned_bytes] = out[TB_C_pinned_entries] * (double)r->model.rec.size;
  prefetch_stats(r, out);
}

int tb_run_token_times(const tb_run *r, double *out, int n) {
  int m = r->tokens_done < n ? (int)r->tokens_done : n;
  if (m > 0) memcpy(out, r->token_times, (size_t)m * sizeof *out);
  return m < 0 ? 0 : m;
}

int tb_run_layers(const tb_run *r) { return r->layers; }

int tb_run_layer_stats(const tb_run *r, double *out, int n) {
  int total = r->layers * TB_LAYER_COUNTER_COUNT;
  int m = n < total ? n : total;
  if (m > 0) memcpy(out, r->layer_stats, (size_t)m * sizeof *out);
  return m < 0 ? 0 : m;
}

int tb_run_token_counters(const tb_run *r, double *out, int n) {
  int64_t total = r->tokens_done * TB_TOKEN_COUNTER_COUNT;
  int m = n < total ? n : (int)total;
  if (m > 0) memcpy(out, r->token_counters, (size_t)m * sizeof *out);
  return m < 0 ? 0 : m;
}

uint64_t tb_run_output_hash(const tb_run *r) { return r->hash; }
