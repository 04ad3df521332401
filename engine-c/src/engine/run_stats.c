/* run_stats.c — reading a run's counters: the loop's own, the application cache's (summed over
 * caches; the cache template is their only counter), per-token latencies, per-layer rows. */
#include "run_internal.h"
#include <math.h>
#include <string.h>

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
  }
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

uint64_t tb_run_output_hash(const tb_run *r) { return r->hash; }
