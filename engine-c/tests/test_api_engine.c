/* test_api_engine.c — the engine lifecycle through the public ABI on a tiny generated model:
 * state checks (keys fixed after open, no step before open), stepping to the end, statistics,
 * cancel between steps, injected failures, and generation errors that name the key. */
#include "tb_test.h"
#include "../include/tierbench.h"
#include "../src/engine/stats.h"
#include <stdio.h>
#include <string.h>

static int contains(const char *s, const char *part) { return s && strstr(s, part) != NULL; }

/* A tiny model in a fresh temp dir; returns its path (static buffer). */
static const char *tiny_model(void) {
  static char dir[4200];
  snprintf(dir, sizeof dir, "%s/model", tb_test_tmpdir());
  tb_engine *e = tb_engine_new();
  TB_CHECK_OK(tb_set_str(e, "model.dir", dir));
  TB_CHECK_OK(tb_set_str(e, "model.preset", "tiny"));
  TB_CHECK_OK(tb_set_int(e, "gen.threads", 1));
  TB_CHECK_OK(tb_gen_begin(e));
  double progress = -1;
  int rc, steps = 0;
  while ((rc = tb_gen_step(e, 50, &progress)) == TB_MORE) steps++;
  TB_CHECK(rc == TB_OK, "generation: %d %s", rc, tb_last_error());
  TB_CHECK(progress >= 0 && progress <= 1, "progress %g", progress);
  tb_engine_free(e);
  TB_CHECK_OK(tb_model_check(dir));
  return dir;
}

static tb_engine *opened(const char *dir, int tokens) {
  tb_engine *e = tb_engine_new();
  TB_CHECK_OK(tb_set_str(e, "model.dir", dir));
  TB_CHECK_OK(tb_set_int(e, "run.tokens", tokens));
  TB_CHECK_OK(tb_open(e));
  return e;
}

static double stat(tb_engine *e, const char *name) {
  double v[256];
  int n = tb_stats_read(e, v, 256);
  for (int i = 0; i < n; i++)
    if (strcmp(tb_stat_name(e, i), name) == 0) return v[i];
  return -1;
}

TB_TEST(api_engine_state_checks) {
  tb_engine *e = tb_engine_new();
  double v[4];
  TB_CHECK(tb_step(e, 10) == TB_ERR_STATE, "step before open accepted");
  TB_CHECK(contains(tb_last_error(), "tb_step") && contains(tb_last_error(), "being configured"), "%s", tb_last_error());
  TB_CHECK(tb_stats_read(e, v, 4) == TB_ERR_STATE, "stats before open accepted");
  TB_CHECK(tb_output_hash(e) == NULL, "hash before open");
  TB_CHECK(tb_gen_step(e, 10, NULL) == TB_ERR_STATE, "gen_step before gen_begin accepted");
  TB_CHECK(tb_open(e) == TB_ERR_ARG && contains(tb_last_error(), "model.dir"), "open without model.dir: %s", tb_last_error());
  TB_CHECK(tb_set_int(NULL, "io.threads", 1) == TB_ERR_ARG, "NULL engine accepted");
  tb_engine_free(e);
  tb_engine_free(NULL);

  e = opened(tiny_model(), 4);
  TB_CHECK(tb_set_int(e, "io.threads", 2) == TB_ERR_STATE, "set after open accepted");
  TB_CHECK(contains(tb_last_error(), "io.threads") && contains(tb_last_error(), "running"), "%s", tb_last_error());
  TB_CHECK(tb_open(e) == TB_ERR_STATE, "second open accepted");
  TB_CHECK(tb_gen_begin(e) == TB_ERR_STATE, "gen_begin on a running engine accepted");
  TB_CHECK(tb_step(e, -1) == TB_ERR_ARG && contains(tb_last_error(), "budget_ms"), "negative budget accepted");
  tb_engine_free(e);
}

TB_TEST(api_engine_runs_to_the_end) {
  const int tokens = 6;
  tb_engine *e = opened(tiny_model(), tokens);
  int rc, steps = 0;
  while ((rc = tb_step(e, 1)) == TB_MORE) steps++;
  TB_CHECK(rc == TB_OK, "step: %d %s", rc, tb_last_error());
  TB_CHECK(stat(e, "tokens") == tokens, "tokens = %g", stat(e, "tokens"));
  TB_CHECK(stat(e, "app_hits") + stat(e, "app_misses") == stat(e, "requests"), "hits + misses != requests");
  double t[16];
  TB_CHECK(tb_token_times(e, NULL, 0) == tokens, "token count query");
  TB_CHECK(tb_token_times(e, t, 16) == tokens, "token times");
  for (int i = 0; i < tokens; i++) TB_CHECK(t[i] > 0, "token %d took %g s", i, t[i]);
  int per_layer = tb_layer_stat_count(), total = tb_layer_stats_read(e, NULL, 0);
  TB_CHECK(total > 0 && total % per_layer == 0, "layer stats size %d", total);
  const char *h = tb_output_hash(e);
  TB_CHECK(h && strlen(h) == 16 && strspn(h, "0123456789abcdef") == 16, "hash '%s'", h ? h : "NULL");
  TB_CHECK(tb_step(e, 1) == TB_ERR_STATE && contains(tb_last_error(), "finished"), "step after the end: %s", tb_last_error());
  TB_CHECK(tb_stat_name(e, TB_COUNTER_COUNT) == NULL, "name past the end");
  tb_engine_free(e);
}

TB_TEST(api_engine_cancel_is_sticky) {
  tb_engine *e = opened(tiny_model(), 1000);
  TB_CHECK(tb_step(e, 1) == TB_MORE, "first step: %s", tb_last_error());
  double before = stat(e, "tokens");
  tb_cancel(e);
  TB_CHECK(tb_step(e, 1000) == TB_ERR_CANCELLED, "cancelled step");
  TB_CHECK(contains(tb_last_error(), "cancel"), "message: %s", tb_last_error());
  TB_CHECK(stat(e, "tokens") == before, "tokens ran after cancel");
  TB_CHECK(tb_step(e, 1000) == TB_ERR_CANCELLED, "a cancelled run came back");
  tb_engine_free(e);
}

TB_TEST(api_engine_injected_failure) {
  const char *dir = tiny_model();
  tb_engine *e = tb_engine_new();
  TB_CHECK_OK(tb_set_str(e, "model.dir", dir));
  TB_CHECK_OK(tb_set_int(e, "run.tokens", 10));
  TB_CHECK_OK(tb_set_int(e, "fault.fail_after_tokens", 3));
  TB_CHECK_OK(tb_open(e));
  int rc;
  while ((rc = tb_step(e, 1)) == TB_MORE) {}
  TB_CHECK(rc == TB_ERR_INJECTED, "rc %d: %s", rc, tb_last_error());
  TB_CHECK(contains(tb_last_error(), "fault.fail_after_tokens"), "message: %s", tb_last_error());
  TB_CHECK(stat(e, "tokens") == 3, "tokens = %g", stat(e, "tokens"));
  tb_engine_free(e);
}

TB_TEST(api_gen_names_missing_key) {
  tb_engine *e = tb_engine_new();
  TB_CHECK(tb_gen_begin(e) == TB_ERR_ARG && contains(tb_last_error(), "model.dir"), "%s", tb_last_error());
  TB_CHECK_OK(tb_set_str(e, "model.dir", tb_test_tmpdir()));
  TB_CHECK_OK(tb_set_int(e, "model.hidden", 256));
  TB_CHECK(tb_gen_begin(e) == TB_ERR_ARG && contains(tb_last_error(), "model.ffn: not set"), "%s", tb_last_error());
  TB_CHECK(tb_model_import("/nonexistent", "no-such-preset", 4, 1, "/tmp/x") == TB_ERR_ARG &&
           contains(tb_last_error(), "no-such-preset"), "%s", tb_last_error());
  TB_CHECK(tb_model_import("/nonexistent", "tiny", 3, 1, "/tmp/x") == TB_ERR_ARG &&
           contains(tb_last_error(), "bits=3"), "%s", tb_last_error());
  tb_engine_free(e);
}
