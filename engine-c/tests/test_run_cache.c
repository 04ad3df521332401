/* test_run_cache.c — the application cache inside real runs: hits and misses equal a replay of
 * the run's routing through the same policy code (what the simulator will do), hit bytes come
 * from slots, budgets in bytes or entries, global or per layer, are never exceeded. */
#include "tb_test.h"
#include "test_run_fixture.h"
#include "../src/engine/run_internal.h"
#include <string.h>

/* Replay routing through a fresh cache the way the token loop uses it: one batch per layer. */
static void replay(const tb_routing *rt, const char *policy, int cap, int per_layer, double *hits, double *misses) {
  tb_cache *c[3] = { 0 };
  int n = per_layer ? 3 : 1;
  for (int i = 0; i < n; i++)
    TB_CHECK_OK(tb_cache_create(&c[i], tb_policy_find(policy), cap, rt->layers * rt->experts, fx_record_bytes()));
  for (int t = 0; t < rt->tokens; t++)
    for (int l = 0; l < rt->layers; l++) {
      tb_cache *cl = c[per_layer ? l : 0];
      for (int k = 0; k < rt->k; k++) {
        size_t i = ((size_t)t * rt->layers + l) * rt->k + k;
        tb_req q = { .layer = l, .expert = rt->ids[i], .key = l * rt->experts + rt->ids[i],
                     .token = t, .next_use = rt->next_use[i] };
        int slot;
        tb_cache_access(cl, &q, &slot);
      }
      tb_cache_end_batch(cl);
    }
  *hits = *misses = 0;
  for (int i = 0; i < n; i++) { *hits += (double)c[i]->hits; *misses += (double)c[i]->misses; tb_cache_destroy(c[i]); }
}

TB_TEST(run_cache_counts_match_replay) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  double rec = (double)fx_record_bytes();
  struct { int entries, per_layer; double budget; int cap; } cases[] = {
    { 20, 0, 0, 20 }, { 3, 1, 0, 3 }, { 48, 0, 0, 48 },
    { 0, 0, 10.5 * 110592, 10 },    /* bytes: floor(budget / record) entries */
    { 0, 1, 5 * 110592, 5 },
    { 500, 0, 0, 48 },               /* never more slots than keys (3 layers × 16) */
  };
  for (int i = 0; i < TB_ARRAY_LEN(cases); i++) {
    tb_config c;
    fx_config(&c, model, 20);
    fx_set_str(&c, "cache.policy", "lru");
    fx_set_int(&c, "cache.entries", cases[i].entries);
    fx_set_real(&c, "cache.budget_bytes", cases[i].budget);
    fx_set_str(&c, "cache.scope", cases[i].per_layer ? "per-layer" : "global");
    tb_run *r;
    TB_CHECK_OK(tb_run_open(&r, &c));
    if (!r) return;
    TB_CHECK(tb_run_step(r, 1e9, NULL) == TB_OK, "%s", tb_last_error());
    double s[TB_COUNTER_COUNT], hits, misses;
    tb_run_stats(r, s);
    replay(&r->routing, "lru", cases[i].cap, cases[i].per_layer, &hits, &misses);
    int caches = cases[i].per_layer ? 3 : 1;
    TB_CHECK(s[TB_C_cache_capacity_entries] == caches * cases[i].cap, "case %d: capacity %g", i, s[TB_C_cache_capacity_entries]);
    TB_CHECK(s[TB_C_cache_peak_entries] <= s[TB_C_cache_capacity_entries], "case %d: budget exceeded", i);
    TB_CHECK(s[TB_C_app_hits] == hits && s[TB_C_app_misses] == misses,
             "case %d: run %g hits %g misses, replay %g / %g", i, s[TB_C_app_hits], s[TB_C_app_misses], hits, misses);
    TB_CHECK(s[TB_C_app_hits] > 0, "case %d: some hits", i);
    TB_CHECK(s[TB_C_requests] == 20 * 3 * 4 && s[TB_C_app_hits] + s[TB_C_app_misses] == s[TB_C_requests], "case %d: requests", i);
    TB_CHECK(s[TB_C_app_cache_bytes] == s[TB_C_app_hits] * rec, "case %d: hit bytes", i);
    TB_CHECK(s[TB_C_read_bytes] == s[TB_C_app_misses] * rec, "case %d: every miss is read", i);
    TB_CHECK(s[TB_C_requested_bytes] == s[TB_C_read_bytes] + s[TB_C_app_cache_bytes], "case %d: bytes add up", i);
    if (cases[i].cap == 48) TB_CHECK(s[TB_C_app_evictions] == 0 && s[TB_C_app_bypasses] == 0, "case %d: all fit", i);
    tb_run_close(r);
  }
}
