/* test_sim_engine.c — the simulator predicts a real run exactly: for every registered policy,
 * global and per-layer, a run of the engine (pread I/O engine, real reads through the token
 * loop) and tb_sim_* on the same configuration give the same hits, misses, insertions,
 * bypasses and evictions; and the run's output hash is the same whatever the policy. */
#include "tb_test.h"
#include "test_run_fixture.h"
#include "../src/api/engine.h"
#include "../src/cache/cache.h"
#include "../src/util/common.h"
#include "../src/util/json.h"
#include <stdio.h>
#include <string.h>

enum { TOKENS = 40 };

/* The simulator reads geometry from the configuration's keys (it opens no model files). */
static void geometry_keys(tb_config *c) {
  const tb_geometry *g = &fx_geometry;
  fx_set_int(c, "model.hidden", g->hidden);
  fx_set_int(c, "model.ffn", g->ffn);
  fx_set_int(c, "model.shared_ffn", g->shared_ffn);
  fx_set_int(c, "model.layers", g->layers);
  fx_set_int(c, "model.experts", g->experts);
  fx_set_int(c, "model.group", g->group);
  fx_set_int(c, "model.bits", g->bits);
  fx_set_int(c, "model.dense_bits", g->dense_bits);
  fx_set_int(c, "model.dense_matrices", g->dense_matrices);
}

static int64_t member(const tb_json *obj, const char *key) {
  int64_t v = -1;
  TB_CHECK(tb_json_int64(tb_json_get(obj, key), &v) == 0, "result has no integer %s", key);
  return v;
}

/* One simulated cell on configuration c: its result object, parsed into *doc (free it). */
static const tb_json *simulate(const tb_config *c, const char *policy, int entries, tb_json **doc) {
  *doc = NULL;
  tb_engine *e = tb_engine_new();
  e->cfg = *c;
  char spec[256];
  snprintf(spec, sizeof spec, "{\"cells\":[{\"policy\":\"%s\",\"entries\":%d}],\"threads\":1}", policy, entries);
  tb_sim *s = tb_sim_new(e, spec);
  TB_CHECK(s != NULL, "tb_sim_new: %s", tb_last_error());
  const tb_json *cell = NULL;
  if (s) {
    int rc;
    while ((rc = tb_sim_step(s, 100, NULL)) == TB_MORE) {}
    TB_CHECK(rc == TB_OK, "tb_sim_step: %s", tb_last_error());
    const char *json = tb_sim_result_json(s);
    char err[128];
    if (json && tb_json_parse(json, strlen(json), doc, err, sizeof err) == 0)
      cell = tb_json_get(*doc, "cells")->child;
    TB_CHECK(cell != NULL, "result JSON");
    tb_sim_free(s);
  }
  tb_engine_free(e);
  return cell;
}

TB_TEST(sim_engine_run_and_simulator_agree_for_every_policy) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  struct { const char *scope; int entries; } cases[] = { { "global", 9 }, { "global", 30 }, { "per-layer", 5 } };
  uint64_t hash = 0;
  for (int pi = 0; pi < tb_policy_count; pi++)
    for (int ci = 0; ci < TB_ARRAY_LEN(cases); ci++) {
      const char *policy = tb_policies[pi]->name;
      tb_config c;
      fx_config(&c, model, TOKENS);
      geometry_keys(&c);
      fx_set_str(&c, "io.engine", "pread");
      fx_set_str(&c, "cache.policy", policy);
      fx_set_str(&c, "cache.scope", cases[ci].scope);
      fx_set_int(&c, "cache.entries", cases[ci].entries);
      fx_set_real(&c, "routing.zipf", 1.0);
      fx_result run = fx_run(&c);
      TB_CHECK(run.rc == TB_OK, "%s: run: %s", policy, tb_last_error());
      if (run.rc != TB_OK) continue;
      if (!tb_policies[pi]->no_storage && cases[ci].entries < 16)   /* not a trivial agreement */
        TB_CHECK(run.s[TB_C_app_hits] > 0 && run.s[TB_C_app_evictions] > 0, "%s: hits and evictions", policy);
      if (hash == 0) hash = run.hash;
      TB_CHECK(run.hash == hash, "%s %s: output hash %016llx differs from %016llx", policy, cases[ci].scope,
               (unsigned long long)run.hash, (unsigned long long)hash);
      tb_json *doc;
      const tb_json *cell = simulate(&c, policy, cases[ci].entries, &doc);
      if (cell) {
        TB_CHECK(member(cell, "requests") == (int64_t)run.s[TB_C_requests] &&
                 member(cell, "hits") == (int64_t)run.s[TB_C_app_hits] &&
                 member(cell, "misses") == (int64_t)run.s[TB_C_app_misses] &&
                 member(cell, "insertions") == (int64_t)run.s[TB_C_app_insertions] &&
                 member(cell, "bypasses") == (int64_t)run.s[TB_C_app_bypasses] &&
                 member(cell, "evictions") == (int64_t)run.s[TB_C_app_evictions],
                 "%s %s %d: run %g hits %g misses %g evictions, simulator %lld / %lld / %lld", policy,
                 cases[ci].scope, cases[ci].entries, run.s[TB_C_app_hits], run.s[TB_C_app_misses],
                 run.s[TB_C_app_evictions], (long long)member(cell, "hits"), (long long)member(cell, "misses"),
                 (long long)member(cell, "evictions"));
        TB_CHECK(member(cell, "capacity") * (strcmp(cases[ci].scope, "global") ? 3 : 1) ==
                 (int64_t)run.s[TB_C_cache_capacity_entries], "%s: capacity", policy);
      }
      tb_json_free(doc);
    }
}

TB_TEST(sim_api_refuses_bad_specs_with_a_message) {
  tb_engine *e = tb_engine_new();
  TB_CHECK_OK(tb_set_str(e, "model.preset", "tiny"));
  const struct { const char *spec, *says; } bad[] = {
    { "[1]", "JSON object" },
    { "{\"cells\":[]}", "non-empty" },
    { "{\"cells\":[{\"policy\":\"mru\",\"entries\":4}]}", "policies: none, lru" },
    { "{\"cells\":[{\"policy\":\"lru\",\"entries\":-1}]}", "entries" },
    { "{\"cells\":[{\"policy\":\"lru\",\"entries\":4,\"size\":1}]}", "unknown cells[] key \"size\"" },
    { "{\"cells\":[{\"policy\":\"lru\",\"entries\":4}],\"warmup\":100000}", "warmup" },
    { "{\"cells\":[{\"policy\":\"lru\",\"entries\":4}],\"pagecache\":{\"model\":\"arc\",\"bytes\":1}}", "allowed off, lru, 2q" },
    { "{\"cells\":[{\"policy\":\"lru\",\"entries\":4}],\"pagecache\":{\"model\":\"lru\"}}", "pagecache.bytes" },
    { "{\"cells\":[{\"policy\":\"lru\",\"entries\":4}],\"extra\":1}", "unknown spec key \"extra\"" },
    { "{\"cells\":", "not JSON" },
  };
  for (int i = 0; i < TB_ARRAY_LEN(bad); i++) {
    tb_sim *s = tb_sim_new(e, bad[i].spec);
    TB_CHECK(s == NULL && strstr(tb_last_error(), bad[i].says), "%s: got \"%s\"", bad[i].spec, tb_last_error());
    tb_sim_free(s);
  }
  tb_sim *s = tb_sim_new(e, "{\"cells\":[{\"policy\":\"lru\",\"entries\":4}]}");
  TB_CHECK(s != NULL, "a good spec: %s", tb_last_error());
  tb_engine_free(e);
  TB_CHECK(tb_sim_step(s, 5000, NULL) == TB_OK && tb_sim_result_json(s) != NULL, "the simulation owns its routing");
  tb_sim_free(s);
}
