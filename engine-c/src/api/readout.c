/* readout.c — the self-describing statistics of a run through the ABI: counter names and
 * values, per-token latencies, per-layer counters and the output hash. Readable from
 * tb_open on, also after the run finished or failed. */
#include "engine.h"
#include "../util/common.h"
#include <stdio.h>

static int need_run(const tb_engine *e, const char *call) {
  if (!e) return tb_fail(TB_ERR_ARG, "%s: engine is NULL", call);
  if (!e->run) return tb_state_error(e, call, "opened (tb_open)");
  return TB_OK;
}

static int need_buffer(const double *out, int n, const char *call) {
  if (n < 0) return tb_fail(TB_ERR_ARG, "%s: n=%d must be >= 0", call, n);
  if (!out && n > 0) return tb_fail(TB_ERR_ARG, "%s: out is NULL but n=%d", call, n);
  return TB_OK;
}

TB_EXPORT int tb_stat_count(tb_engine *e) { (void)e; return TB_COUNTER_COUNT; }

TB_EXPORT const char *tb_stat_name(tb_engine *e, int i) {
  (void)e;
  if (i >= 0 && i < TB_COUNTER_COUNT) return tb_counter_names[i];
  tb_fail(TB_ERR_ARG, "tb_stat_name: index %d is outside 0..%d", i, TB_COUNTER_COUNT - 1);
  return NULL;
}

TB_EXPORT int tb_stats_read(tb_engine *e, double *out, int n) {
  int rc = need_run(e, "tb_stats_read");
  if (rc < 0 || (rc = need_buffer(out, n, "tb_stats_read")) < 0) return rc;
  double all[TB_COUNTER_COUNT];
  tb_run_stats(e->run, all);
  int m = n < TB_COUNTER_COUNT ? n : TB_COUNTER_COUNT;
  for (int i = 0; i < m; i++) out[i] = all[i];
  return m;
}

/* out == NULL: the number of tokens run so far (the size to allocate). */
TB_EXPORT int tb_token_times(tb_engine *e, double *out, int n) {
  int rc = need_run(e, "tb_token_times");
  if (rc < 0) return rc;
  if (!out && n == 0) {
    double all[TB_COUNTER_COUNT];
    tb_run_stats(e->run, all);
    return (int)all[TB_C_tokens];
  }
  if ((rc = need_buffer(out, n, "tb_token_times")) < 0) return rc;
  return tb_run_token_times(e->run, out, n);
}

TB_EXPORT int tb_layer_stat_count(void) { return TB_LAYER_COUNTER_COUNT; }

TB_EXPORT const char *tb_layer_stat_name(int i) {
  if (i >= 0 && i < TB_LAYER_COUNTER_COUNT) return tb_layer_counter_names[i];
  tb_fail(TB_ERR_ARG, "tb_layer_stat_name: index %d is outside 0..%d", i, TB_LAYER_COUNTER_COUNT - 1);
  return NULL;
}

/* out == NULL: the number of doubles a full read writes (layers × tb_layer_stat_count()). */
TB_EXPORT int tb_layer_stats_read(tb_engine *e, double *out, int n) {
  int rc = need_run(e, "tb_layer_stats_read");
  if (rc < 0) return rc;
  if (!out && n == 0) return tb_run_layers(e->run) * TB_LAYER_COUNTER_COUNT;
  if ((rc = need_buffer(out, n, "tb_layer_stats_read")) < 0) return rc;
  return tb_run_layer_stats(e->run, out, n);
}

TB_EXPORT int tb_token_counter_count(void) { return TB_TOKEN_COUNTER_COUNT; }

TB_EXPORT const char *tb_token_counter_name(int i) {
  if (i >= 0 && i < TB_TOKEN_COUNTER_COUNT) return tb_token_counter_names[i];
  tb_fail(TB_ERR_ARG, "tb_token_counter_name: index %d is outside 0..%d", i, TB_TOKEN_COUNTER_COUNT - 1);
  return NULL;
}

/* out == NULL: the number of doubles a full read writes (tokens run × tb_token_counter_count()). */
TB_EXPORT int tb_token_counters_read(tb_engine *e, double *out, int n) {
  int rc = need_run(e, "tb_token_counters_read");
  if (rc < 0) return rc;
  if (!out && n == 0) {
    double all[TB_COUNTER_COUNT];
    tb_run_stats(e->run, all);
    return (int)all[TB_C_tokens] * TB_TOKEN_COUNTER_COUNT;
  }
  if ((rc = need_buffer(out, n, "tb_token_counters_read")) < 0) return rc;
  return tb_run_token_counters(e->run, out, n);
}

TB_EXPORT const char *tb_output_hash(tb_engine *e) {
  if (need_run(e, "tb_output_hash") < 0) return NULL;
  snprintf(e->hash_hex, sizeof e->hash_hex, "%016llx", (unsigned long long)tb_run_output_hash(e->run));
  return e->hash_hex;
}
