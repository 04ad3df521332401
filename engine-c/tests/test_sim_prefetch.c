/* test_sim_prefetch.c — prefetch and pins in the simulator: a timed run in deterministic mode
 * and the replay agree exactly (hits, misses, and every prefetch count) for every registered
 * policy, predictor, depth, scope and pin source; a policy alias replays as its policy plus its
 * predictor; page-cache warms are judged by the page-cache model. */
#include "tb_test.h"
#include "test_prefetch_fixture.h"
#include "../src/sim/sim.h"
#include <stdio.h>
#include <string.h>

static void sim_setup(tb_sim_setup *s, const tb_run *r, const tb_config *c) {
  memset(s, 0, sizeof *s);
  s->routing = &r->routing;
  s->per_layer = strcmp(c->cache_scope, "per-layer") == 0;
  s->record_bytes = r->model.rec.size;
  s->predictor = tb_predictor_find(c->prefetch_predictor);
  s->prefetch_depth = c->prefetch_depth;
  s->prefetch_env = (tb_prefetch_env){ .tokens = r->tokens, .layers = r->layers, .experts = r->experts, .k = r->k };
  s->pin_top_n = c->pin_top_n;
  s->pin_window = c->pin_window;
}

/* Run c to the end and replay its routing with the same settings; compare every count. */
static void agree(const tb_config *c, const char *what) {
  tb_run *r;
  int rc = tb_run_open(&r, c);
  TB_CHECK(rc == TB_OK, "%s: open: %s", what, tb_last_error());
  if (rc) return;
  while ((rc = tb_run_step(r, 1e9, NULL)) == TB_MORE) {}
  TB_CHECK(rc == TB_OK, "%s: run: %s", what, tb_last_error());
  double e[TB_COUNTER_COUNT];
  tb_run_stats(r, e);
  tb_sim_setup s;
  sim_setup(&s, r, c);
  const char *implied = NULL;
  tb_sim_cell cell = { .policy = tb_policy_resolve(c->cache_policy, &implied), .entries = c->cache_entries };
  if (implied) cell.predictor = tb_predictor_find(implied);
  rc = tb_sim_replay(&s, &cell, NULL);
  TB_CHECK(rc == TB_OK, "%s: replay: %s", what, cell.error);
  struct { const char *name; double engine, sim; } v[] = {
    { "hits", e[TB_C_app_hits], (double)cell.hits },
    { "misses", e[TB_C_app_misses], (double)cell.misses },
    { "evictions", e[TB_C_app_evictions], (double)cell.evictions },
    { "predictions", e[TB_C_prefetch_predictions], (double)cell.prefetch_predictions },
    { "resident", e[TB_C_prefetch_resident], (double)cell.prefetch_resident },
    { "dropped", e[TB_C_prefetch_dropped], (double)cell.prefetch_dropped },
    { "issued", e[TB_C_prefetch_issued], (double)cell.prefetch_issued },
    { "useful", e[TB_C_prefetch_useful], (double)cell.prefetch_useful },
    { "wasted", e[TB_C_prefetch_wasted], (double)cell.prefetch_wasted },
    { "prefetch reads", e[TB_C_prefetch_reads], (double)cell.prefetch_reads },
    { "pinned", e[TB_C_pinned_entries], (double)cell.pinned },
  };
  for (int i = 0; i < TB_ARRAY_LEN(v); i++)
    TB_CHECK(v[i].engine == v[i].sim, "%s: %s: engine %g, simulator %g", what, v[i].name, v[i].engine, v[i].sim);
  TB_CHECK(e[TB_C_app_late] == 0, "%s: deterministic, yet %g late", what, e[TB_C_app_late]);
  tb_run_close(r);
}

TB_TEST(sim_prefetch_agrees_with_deterministic_runs) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  const char *scopes[] = { "global", "per-layer" };
  int checked = 0, prefetched = 0, predictors = 0;
  for (int p = 0; p < tb_policy_count; p++)
    for (int pr = 0; pr < tb_predictor_count; pr++) {
      /* every predictor of the registry that predicts from the routing alone */
      if (strcmp(tb_predictors[pr]->name, "none") == 0 || tb_predictors[pr]->needs_trace) continue;
      predictors += p == 0;
      for (int sc = 0; sc < 2; sc++)
        for (int depth = 1; depth <= 4; depth += 3) {
          tb_config c;
          fx_config(&c, model, 16);
          fx_set_real(&c, "routing.reuse", 0.4);
          fx_set_str(&c, "io.engine", "null");    /* counts only: no bytes needed */
          fx_set_str(&c, "cache.policy", tb_policies[p]->name);
          fx_set_int(&c, "cache.entries", sc ? 7 : 14);
          fx_set_str(&c, "cache.scope", scopes[sc]);
          fx_set_str(&c, "prefetch.predictor", tb_predictors[pr]->name);
          fx_set_int(&c, "prefetch.depth", depth);
          fx_set_str(&c, "prefetch.mode", "deterministic");
          if (depth == 4 && !tb_policies[p]->no_storage) {   /* and pins of a warm-up window */
            fx_set_int(&c, "pin.top_n", 2);
            fx_set_int(&c, "pin.window", 5);
          }
          char what[128];
          snprintf(what, sizeof what, "%s %s %s depth %d", tb_policies[p]->name, tb_predictors[pr]->name,
                   scopes[sc], depth);
          agree(&c, what);
          checked++;
          prefetched += !tb_policies[p]->no_storage;
        }
    }
  TB_CHECK(predictors >= 2 && checked == tb_policy_count * predictors * 4 && prefetched > 0, "%d cases", checked);
}

TB_TEST(sim_prefetch_agrees_with_a_real_io_engine) {
  const char *dir = tb_test_tmpdir(), *model = fx_make_model(dir);
  const char *trace = pfx_trace(dir, "no-reuse.trace", 0, 4, pfx_no_reuse);
  if (!model || !trace) return;
  tb_config c;
  fx_config(&c, model, 10);
  fx_set_real(&c, "routing.reuse", 0.5);
  fx_set_str(&c, "cache.policy", "prefetch");   /* lru + temporal, as the alias says */
  fx_set_int(&c, "cache.entries", 9);           /* < a token's 12 requests: temporal re-reads */
  fx_set_str(&c, "prefetch.mode", "deterministic");
  fx_set_str(&c, "exec.mode", "overlapped");
  agree(&c, "pread, prefetch alias");
  pfx_config(&c, model, 4, trace);
  fx_set_str(&c, "cache.policy", "lru");
  fx_set_int(&c, "cache.entries", 12);
  fx_set_str(&c, "prefetch.predictor", "oracle");
  fx_set_str(&c, "prefetch.mode", "deterministic");
  fx_set_str(&c, "exec.mode", "overlapped");
  agree(&c, "pread, lru + oracle");
}

TB_TEST(sim_prefetch_warms_the_page_cache_model) {
  /* 1 layer x 8 experts, K 2, no reuse for 4 tokens; no application cache, oracle depth 1:
   * 3 tokens' experts are warmed (6 reads). With a page-cache model that holds them, every warm
   * is useful; with none, none is. */
  tb_routing rt;
  TB_CHECK_OK(tb_routing_alloc(&rt, 4, 1, 8, 2));
  for (int i = 0; i < 8; i++) { rt.ids[i] = i; rt.weights[i] = 0.5f; }
  TB_CHECK_OK(tb_routing_fill_next_use(&rt));
  for (int model = 0; model < 2; model++) {
    tb_sim_setup s = { .routing = &rt, .record_bytes = 4096, .predictor = tb_predictor_find("oracle"),
                       .prefetch_depth = 1, .prefetch_env = { .tokens = 4, .layers = 1, .experts = 8, .k = 2 },
                       .pc_kind = model ? TB_PC_LRU : TB_PC_OFF, .page_cache_bytes = 8 * 4096 };
    tb_sim_cell cell = { .policy = tb_policy_find("none"), .entries = 0 };
    TB_CHECK_OK(tb_sim_replay(&s, &cell, NULL));
    TB_CHECK(cell.prefetch_issued == 6 && cell.prefetch_reads == 6 && cell.misses == 8,
             "model %d: issued %lld reads %lld", model, (long long)cell.prefetch_issued, (long long)cell.prefetch_reads);
    TB_CHECK(cell.prefetch_useful == (model ? 6 : 0) && cell.prefetch_wasted == (model ? 0 : 6),
             "model %d: useful %lld wasted %lld", model, (long long)cell.prefetch_useful, (long long)cell.prefetch_wasted);
    if (model)
      TB_CHECK(cell.page_cache_bytes == 6 * 4096.0 && cell.prefetch_device_bytes == 6 * 4096.0,
               "the warms read from the device, the demand reads find them: %g", cell.page_cache_bytes);
  }
  tb_routing_free(&rt);
}

TB_TEST(sim_prefetch_alias_conflict_is_an_error) {
  tb_routing rt;
  TB_CHECK_OK(tb_routing_alloc(&rt, 2, 1, 8, 2));
  for (int i = 0; i < 4; i++) { rt.ids[i] = i; rt.weights[i] = 0.5f; }
  TB_CHECK_OK(tb_routing_fill_next_use(&rt));
  tb_sim_setup s = { .routing = &rt, .record_bytes = 4096, .predictor = tb_predictor_find("oracle"),
                     .prefetch_depth = 1, .prefetch_env = { .tokens = 2, .layers = 1, .experts = 8, .k = 2 } };
  tb_sim_cell cell = { .policy = tb_policy_find("lru"), .entries = 4, .predictor = tb_predictor_find("temporal") };
  TB_CHECK(tb_sim_replay(&s, &cell, NULL) == TB_ERR_ARG && strstr(cell.error, "implies prefetch.predictor=temporal"),
           "conflict: %s", cell.error);
  tb_routing_free(&rt);
}
