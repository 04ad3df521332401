/* test_prefetch_late.c — prefetch reads against demand, made exact by the gated I/O engine
 * (prefetch reads complete only when promoted or when a blocking reap needs one): demand reads
 * are submitted before the layer's prefetch reads; a demand for an entry whose prefetch is in
 * flight is late (neither hit nor miss), promotes that read and waits for it; deterministic mode
 * leaves nothing in flight at a lookup; a full prefetch queue blocks and is timed. */
#include "tb_test.h"
#include "test_prefetch_fixture.h"
#include <string.h>

typedef struct { fx_result res; pfx_gate_log log; } gated_result;

/* fx_run with the gated engine in place of the configured one. */
static gated_result run_gated(const tb_config *c) {
  static gated_result g;
  memset(&g, 0, sizeof g);
  tb_run *r;
  g.res.rc = tb_run_open(&r, c);
  if (g.res.rc < 0) return g;
  pfx_gate(r, &g.log);
  while ((g.res.rc = tb_run_step(r, 1e9, NULL)) == TB_MORE) {}
  g.res.hash = tb_run_output_hash(r);
  tb_run_stats(r, g.res.s);
  tb_run_close(r);
  return g;
}

static void no_reuse_lru(tb_config *c, const char *model, const char *trace, const char *mode) {
  pfx_config(c, model, 4, trace);
  fx_set_str(c, "cache.policy", "lru");
  fx_set_int(c, "cache.entries", 8);
  fx_set_str(c, "prefetch.predictor", "oracle");
  fx_set_str(c, "prefetch.mode", mode);
}

TB_TEST(prefetch_late_is_neither_hit_nor_miss_and_is_promoted) {
  const char *dir = tb_test_tmpdir(), *model = fx_make_model(dir);
  const char *trace = pfx_trace(dir, "no-reuse.trace", 0, 4, pfx_no_reuse);
  if (!model || !trace) return;
  tb_config c;
  pfx_config(&c, model, 4, trace);
  fx_result ref = fx_run(&c);
  no_reuse_lru(&c, model, trace, "async");
  gated_result g = run_gated(&c);
  const double *s = g.res.s;
  TB_CHECK(g.res.rc == TB_OK, "%s", tb_last_error());
  /* every prediction was right and still held back when demanded: all 44 late */
  TB_CHECK(s[TB_C_app_late] == 44 && s[TB_C_prefetch_late] == 44, "late %g", s[TB_C_app_late]);
  TB_CHECK(s[TB_C_app_hits] == 0 && s[TB_C_app_misses] == 4, "hits %g misses %g", s[TB_C_app_hits], s[TB_C_app_misses]);
  TB_CHECK(s[TB_C_prefetch_useful] == 0 && s[TB_C_prefetch_wasted] == 0, "useful %g wasted %g",
           s[TB_C_prefetch_useful], s[TB_C_prefetch_wasted]);
  TB_CHECK(g.log.promoted == 44 && g.log.released == 0, "promoted %d released %d", g.log.promoted, g.log.released);
  TB_CHECK(s[TB_C_requested_bytes] == s[TB_C_app_cache_bytes] + s[TB_C_read_bytes] + 44 * s[TB_C_expert_record_bytes],
           "late bytes are neither hit nor demand-read bytes");
  TB_CHECK(s[TB_C_prefetch_wait_s] > 0 && s[TB_C_prefetch_wait_s] <= s[TB_C_wait_wall_s],
           "the loop's wait on late prefetch reads (%g s) is timed, inside the wait stage (%g s)",
           s[TB_C_prefetch_wait_s], s[TB_C_wait_wall_s]);
  TB_CHECK(g.res.hash == ref.hash, "late bytes computed the same output");
}

TB_TEST(prefetch_reads_queue_behind_the_layers_demand_reads) {
  const char *dir = tb_test_tmpdir(), *model = fx_make_model(dir);
  const char *trace = pfx_trace(dir, "no-reuse.trace", 0, 4, pfx_no_reuse);
  if (!model || !trace) return;
  tb_config c;
  no_reuse_lru(&c, model, trace, "async");
  fx_set_str(&c, "cache.policy", "none");   /* every request a demand read, every prediction a warm */
  gated_result g = run_gated(&c);
  TB_CHECK(g.res.rc == TB_OK, "%s", tb_last_error());
  int demand = 0, prefetch = 0;
  for (int i = 0; i < g.log.n; i++) {
    demand += g.log.kinds[i] == TB_READ_DEMAND;
    prefetch += g.log.kinds[i] == TB_READ_PREFETCH;
    if (i > 0 && g.log.layers[i] == g.log.layers[i - 1])
      TB_CHECK(!(g.log.kinds[i - 1] == TB_READ_PREFETCH && g.log.kinds[i] == TB_READ_DEMAND),
               "submit %d: a demand read of layer %d after that layer's prefetch reads", i, g.log.layers[i]);
  }
  TB_CHECK(demand == 48 && prefetch == 44, "demand %d prefetch %d", demand, prefetch);
}

TB_TEST(prefetch_deterministic_leaves_nothing_in_flight_at_a_lookup) {
  const char *dir = tb_test_tmpdir(), *model = fx_make_model(dir);
  const char *trace = pfx_trace(dir, "no-reuse.trace", 0, 4, pfx_no_reuse);
  if (!model || !trace) return;
  tb_config c;
  no_reuse_lru(&c, model, trace, "deterministic");
  gated_result g = run_gated(&c);
  const double *s = g.res.s;
  TB_CHECK(g.res.rc == TB_OK, "%s", tb_last_error());
  TB_CHECK(s[TB_C_app_late] == 0 && s[TB_C_app_hits] == 44 && s[TB_C_prefetch_useful] == 44,
           "late %g hits %g useful %g", s[TB_C_app_late], s[TB_C_app_hits], s[TB_C_prefetch_useful]);
  TB_CHECK(g.log.released == 44 && g.log.promoted == 0, "released %d promoted %d: the loop waited for each "
           "prefetch before the next lookup", g.log.released, g.log.promoted);
  TB_CHECK(s[TB_C_prefetch_wait_s] > 0, "the waits are timed");
}

static int low_half(int token, int layer, int j) { return (token * 3 + layer + j * 2) % 8; }
static int never_routed(int token, int layer, int j) { return 8 + (token + layer + j * 2) % 8; }

TB_TEST(prefetch_full_queue_waits_for_a_prefetch_read) {
  const char *dir = tb_test_tmpdir(), *model = fx_make_model(dir);
  const char *trace = pfx_trace(dir, "low.trace", 0, 8, low_half);
  const char *wrong = pfx_trace(dir, "wrong.trace", 1, 8, never_routed);
  if (!model || !trace || !wrong) return;
  tb_config c;
  pfx_config(&c, model, 8, trace);
  fx_set_str(&c, "cache.policy", "lru");
  fx_set_int(&c, "cache.entries", 24);
  fx_set_str(&c, "prefetch.predictor", "replay");
  fx_set_str(&c, "prefetch.trace", wrong);
  fx_set_int(&c, "prefetch.depth", 2);
  gated_result g = run_gated(&c);
  const double *s = g.res.s;
  TB_CHECK(g.res.rc == TB_OK, "%s", tb_last_error());
  /* wrong predictions are never demanded, so never promoted: only a full queue ((depth + 1) x k
   * = 12 reads) releases them, one blocking reap at a time */
  TB_CHECK(g.log.promoted == 0 && g.log.released > 0, "promoted %d released %d", g.log.promoted, g.log.released);
  double left = s[TB_C_prefetch_reads] - g.log.released;
  TB_CHECK(left >= 1 && left <= 12, "%g prefetch reads issued, %d released: %g left in flight, the queue holds 12",
           s[TB_C_prefetch_reads], g.log.released, left);
  TB_CHECK(s[TB_C_prefetch_useful] == 0 && s[TB_C_prefetch_wasted] == s[TB_C_prefetch_issued], "all wasted");
  TB_CHECK(s[TB_C_prefetch_wait_s] > 0, "waiting on the full queue is timed");
}
