/* test_prefetch_run.c — prefetch in real runs: the oracle on a routing with no reuse (no hits
 * without it, every request after the first layer a hit with it, nothing wasted), a predictor
 * that is always wrong (nothing useful, everything wasted), page-cache warming with no
 * application cache, the output hash unchanged by any prefetch setting, and bad settings. */
#include "tb_test.h"
#include "test_prefetch_fixture.h"
#include <stdlib.h>
#include <string.h>

/* Every counter identity the prefetch accounting promises, whatever the run. */
static void check_identities(const double *s, const char *what) {
  double rec = s[TB_C_expert_record_bytes];
  TB_CHECK(s[TB_C_app_hits] + s[TB_C_app_misses] + s[TB_C_app_late] == s[TB_C_requests],
           "%s: hits %g + misses %g + late %g != requests %g", what, s[TB_C_app_hits], s[TB_C_app_misses],
           s[TB_C_app_late], s[TB_C_requests]);
  TB_CHECK(s[TB_C_app_late] <= s[TB_C_prefetch_late], "%s: app_late %g > prefetch_late %g", what,
           s[TB_C_app_late], s[TB_C_prefetch_late]);
  TB_CHECK(s[TB_C_prefetch_predictions] == s[TB_C_prefetch_resident] + s[TB_C_prefetch_dropped] +
           s[TB_C_prefetch_issued], "%s: predictions %g != resident %g + dropped %g + issued %g", what,
           s[TB_C_prefetch_predictions], s[TB_C_prefetch_resident], s[TB_C_prefetch_dropped], s[TB_C_prefetch_issued]);
  TB_CHECK(s[TB_C_prefetch_issued] == s[TB_C_prefetch_useful] + s[TB_C_prefetch_late] + s[TB_C_prefetch_wasted],
           "%s: issued %g != useful %g + late %g + wasted %g", what, s[TB_C_prefetch_issued],
           s[TB_C_prefetch_useful], s[TB_C_prefetch_late], s[TB_C_prefetch_wasted]);
  TB_CHECK(s[TB_C_prefetch_wasted_bytes] == s[TB_C_prefetch_wasted] * rec, "%s: wasted bytes", what);
  TB_CHECK(s[TB_C_requested_bytes] == s[TB_C_app_cache_bytes] + s[TB_C_read_bytes] + s[TB_C_app_late] * rec,
           "%s: requested bytes %g", what, s[TB_C_requested_bytes]);
  TB_CHECK(s[TB_C_reads] == s[TB_C_demand_reads] + s[TB_C_prefetch_reads], "%s: reads", what);
  TB_CHECK(s[TB_C_prefetch_read_bytes] == s[TB_C_prefetch_reads] * rec, "%s: prefetch read bytes", what);
  TB_CHECK(s[TB_C_issue_before_release] == 0, "%s: a demand read before its release", what);
}

TB_TEST(prefetch_run_oracle_on_routing_without_reuse) {
  const char *dir = tb_test_tmpdir(), *model = fx_make_model(dir);
  const char *trace = pfx_trace(dir, "no-reuse.trace", 0, 4, pfx_no_reuse);
  if (!model || !trace) return;
  double rec = (double)fx_record_bytes();
  tb_config c;
  pfx_config(&c, model, 4, trace);
  fx_set_str(&c, "cache.policy", "lru");
  fx_set_int(&c, "cache.entries", 8);      /* the batch (4) and one layer ahead (4) */
  fx_result off = fx_run(&c);
  TB_CHECK(off.rc == TB_OK, "without prefetch: %s", tb_last_error());
  TB_CHECK(off.s[TB_C_app_hits] == 0 && off.s[TB_C_app_misses] == 48, "no reuse, no hits: %g", off.s[TB_C_app_hits]);

  const char *modes[] = { "deterministic", "async" };
  for (int m = 0; m < 2; m++) {
    tb_config p = c;
    fx_set_str(&p, "prefetch.predictor", "oracle");
    fx_set_str(&p, "prefetch.mode", modes[m]);
    fx_result on = fx_run(&p);
    TB_CHECK(on.rc == TB_OK, "%s: %s", modes[m], tb_last_error());
    check_identities(on.s, modes[m]);
    /* the first layer of the first token cannot be predicted; every later request is */
    TB_CHECK(on.s[TB_C_app_misses] == 4, "%s: misses %g", modes[m], on.s[TB_C_app_misses]);
    TB_CHECK(on.s[TB_C_app_hits] + on.s[TB_C_prefetch_late] == 44, "%s: hits %g late %g", modes[m],
             on.s[TB_C_app_hits], on.s[TB_C_prefetch_late]);
    TB_CHECK(on.s[TB_C_prefetch_issued] == 44 && on.s[TB_C_prefetch_reads] == 44 &&
             on.s[TB_C_prefetch_useful] + on.s[TB_C_prefetch_late] == 44, "%s: issued %g useful %g",
             modes[m], on.s[TB_C_prefetch_issued], on.s[TB_C_prefetch_useful]);
    TB_CHECK(on.s[TB_C_prefetch_wasted] == 0 && on.s[TB_C_prefetch_wasted_bytes] == 0, "%s: wasted %g",
             modes[m], on.s[TB_C_prefetch_wasted]);
    TB_CHECK(on.s[TB_C_read_bytes] == 4 * rec, "%s: demand read only the first layer", modes[m]);
    TB_CHECK(on.hash == off.hash, "%s: output hash changed by prefetch", modes[m]);
    if (m == 0) TB_CHECK(on.s[TB_C_prefetch_late] == 0, "deterministic: nothing is late");
  }
}

/* Routing over experts 0..7 only; predictions of 12..15, which are never routed. */
static int low_half(int token, int layer, int j) { return (token * 3 + layer + j * 2) % 8; }
static int never_routed(int token, int layer, int j) { return 12 + j; }

TB_TEST(prefetch_run_always_wrong_predictor_wastes_everything) {
  const char *dir = tb_test_tmpdir(), *model = fx_make_model(dir);
  const char *trace = pfx_trace(dir, "low.trace", 0, 8, low_half);
  const char *wrong = pfx_trace(dir, "wrong.trace", 1, 8, never_routed);
  if (!model || !trace || !wrong) return;
  double rec = (double)fx_record_bytes();
  const char *policies[][2] = { { "lru", "8" }, { "lru", "20" } };
  for (int i = 0; i < 2; i++) {
    tb_config c;
    pfx_config(&c, model, 8, trace);
    fx_set_str(&c, "cache.policy", policies[i][0]);
    fx_set_int(&c, "cache.entries", atoi(policies[i][1]));
    fx_result off = fx_run(&c);
    fx_set_str(&c, "prefetch.predictor", "replay");
    fx_set_str(&c, "prefetch.trace", wrong);
    fx_set_str(&c, "prefetch.mode", "deterministic");
    fx_result on = fx_run(&c);
    TB_CHECK(on.rc == TB_OK, "entries %s: %s", policies[i][1], tb_last_error());
    check_identities(on.s, "always wrong");
    TB_CHECK(on.s[TB_C_prefetch_predictions] == 23 * 4, "predictions %g", on.s[TB_C_prefetch_predictions]);
    TB_CHECK(on.s[TB_C_prefetch_issued] > 0 && on.s[TB_C_prefetch_useful] == 0 && on.s[TB_C_prefetch_late] == 0,
             "entries %s: issued %g useful %g", policies[i][1], on.s[TB_C_prefetch_issued], on.s[TB_C_prefetch_useful]);
    TB_CHECK(on.s[TB_C_prefetch_wasted] == on.s[TB_C_prefetch_issued] &&
             on.s[TB_C_prefetch_wasted_bytes] == on.s[TB_C_prefetch_read_bytes] &&
             on.s[TB_C_prefetch_read_bytes] == on.s[TB_C_prefetch_issued] * rec,
             "entries %s: wasted %g of %g issued", policies[i][1], on.s[TB_C_prefetch_wasted], on.s[TB_C_prefetch_issued]);
    /* wrong entries only take room: never more demand hits than without prefetch */
    TB_CHECK(on.s[TB_C_app_hits] <= off.s[TB_C_app_hits], "hits %g > %g without prefetch",
             on.s[TB_C_app_hits], off.s[TB_C_app_hits]);
    TB_CHECK(on.hash == off.hash, "output hash changed");
  }
}

TB_TEST(prefetch_run_warms_the_page_cache_without_an_application_cache) {
  const char *dir = tb_test_tmpdir(), *model = fx_make_model(dir);
  const char *trace = pfx_trace(dir, "no-reuse.trace", 0, 4, pfx_no_reuse);
  if (!model || !trace) return;
  double rec = (double)fx_record_bytes();
  tb_config c;
  pfx_config(&c, model, 4, trace);      /* cache.policy none: every request is a demand read */
  fx_set_str(&c, "io.fadvise", "random");   /* no kernel readahead: the trace reads records in file order */
  fx_drop(model, 3);
  fx_result off = fx_run(&c);
  TB_CHECK(off.rc == TB_OK && off.s[TB_C_device_bytes] > 40 * rec, "cold: device bytes %g", off.s[TB_C_device_bytes]);

  fx_set_str(&c, "prefetch.predictor", "oracle");
  fx_set_str(&c, "prefetch.mode", "deterministic");
  fx_drop(model, 3);
  fx_result on = fx_run(&c);
  TB_CHECK(on.rc == TB_OK, "read-discard: %s", tb_last_error());
  check_identities(on.s, "read-discard");
  TB_CHECK(on.s[TB_C_demand_reads] == 48 && on.s[TB_C_prefetch_reads] == 44 && on.s[TB_C_prefetch_hints] == 0,
           "demand %g prefetch %g", on.s[TB_C_demand_reads], on.s[TB_C_prefetch_reads]);
  /* every demand read after the first layer finds its record warmed into the page cache */
  TB_CHECK(on.s[TB_C_page_cache_bytes] >= 44 * rec, "page-cache bytes %g of %g", on.s[TB_C_page_cache_bytes], 44 * rec);
  TB_CHECK(on.s[TB_C_prefetch_useful] == 44 && on.s[TB_C_prefetch_wasted] == 0, "useful %g wasted %g",
           on.s[TB_C_prefetch_useful], on.s[TB_C_prefetch_wasted]);
  TB_CHECK(on.s[TB_C_prefetch_device_bytes] > 40 * rec, "the warms read from the device: %g", on.s[TB_C_prefetch_device_bytes]);
  TB_CHECK(on.hash == off.hash, "read-discard changed the output hash");

  fx_set_str(&c, "prefetch.warm", "hint");
  fx_drop(model, 3);
  fx_result hint = fx_run(&c);
  TB_CHECK(hint.rc == TB_OK, "hint: %s", tb_last_error());
  check_identities(hint.s, "hint");
  TB_CHECK(hint.s[TB_C_prefetch_hints] == 44 && hint.s[TB_C_prefetch_reads] == 0 && hint.s[TB_C_prefetch_issued] == 44,
           "hints %g reads %g", hint.s[TB_C_prefetch_hints], hint.s[TB_C_prefetch_reads]);
  TB_CHECK(hint.hash == off.hash, "hint changed the output hash");
}

TB_TEST(prefetch_run_hash_unchanged_by_prefetch_settings) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  tb_config base;
  fx_config(&base, model, 5);
  fx_set_real(&base, "routing.reuse", 0.5);
  fx_result ref = fx_run(&base);
  TB_CHECK(ref.rc == TB_OK, "baseline: %s", tb_last_error());
  struct { const char *policy; int entries; const char *predictor; int depth; const char *mode, *exec, *scope; } v[] = {
    { "lru", 12, "temporal", 1, "async", "serial", "global" },
    { "lru", 12, "temporal", 2, "deterministic", "overlapped", "global" },
    { "lru", 6, "oracle", 3, "async", "overlapped", "per-layer" },
    { "lru", 5, "oracle", 1, "deterministic", "serial", "per-layer" },
    { "prefetch", 10, "none", 2, "async", "overlapped", "global" },
    { "none", 0, "temporal", 1, "async", "overlapped", "global" },
    { "none", 0, "oracle", 2, "deterministic", "serial", "global" },
  };
  for (int i = 0; i < TB_ARRAY_LEN(v); i++) {
    tb_config c = base;
    fx_set_str(&c, "cache.policy", v[i].policy);
    fx_set_int(&c, "cache.entries", v[i].entries);
    fx_set_str(&c, "cache.scope", v[i].scope);
    fx_set_str(&c, "prefetch.predictor", v[i].predictor);
    fx_set_int(&c, "prefetch.depth", v[i].depth);
    fx_set_str(&c, "prefetch.mode", v[i].mode);
    fx_set_str(&c, "exec.mode", v[i].exec);
    fx_result got = fx_run(&c);
    TB_CHECK(got.rc == TB_OK, "variant %d: %s", i, tb_last_error());
    check_identities(got.s, v[i].policy);
    TB_CHECK(got.s[TB_C_prefetch_predictions] > 0, "variant %d: the prefetcher ran", i);
    TB_CHECK(got.hash == ref.hash && got.finite, "variant %d: hash %016llx, baseline %016llx", i,
             (unsigned long long)got.hash, (unsigned long long)ref.hash);
  }
  /* every I/O engine that moves bytes, with prefetch into slots and into the page cache */
  for (int e = 0; e < tb_io_engine_count; e++) {
    const tb_io_ops *io = tb_io_engines[e];
    char why[256];
    if (!io->moves_bytes || (io->available && !io->available(why, sizeof why))) continue;
    for (int slots = 0; slots < 2; slots++) {
      tb_config c = base;
      fx_set_str(&c, "io.engine", io->name);
      fx_set_str(&c, "cache.policy", slots ? "lru" : "none");
      fx_set_int(&c, "cache.entries", 10);
      fx_set_str(&c, "prefetch.predictor", slots ? "oracle" : "temporal");
      fx_set_int(&c, "prefetch.depth", 2);
      fx_set_str(&c, "exec.mode", "overlapped");
      fx_result got = fx_run(&c);
      TB_CHECK(got.rc == TB_OK, "%s: %s", io->name, tb_last_error());
      check_identities(got.s, io->name);
      TB_CHECK(got.s[TB_C_prefetch_reads] > 0, "%s: prefetch reads", io->name);
      TB_CHECK(got.hash == ref.hash, "%s, %s: output hash changed", io->name, slots ? "slots" : "page cache");
    }
  }
}

TB_TEST(prefetch_run_refuses_bad_settings) {
  const char *dir = tb_test_tmpdir(), *model = fx_make_model(dir);
  const char *other = pfx_trace(dir, "short.trace", 0, 2, pfx_no_reuse);
  if (!model || !other) return;
  struct { const char *key, *value, *key2, *value2, *message; } bad[] = {
    { "cache.policy", "prefetch", "prefetch.predictor", "oracle", "cache.policy=prefetch means prefetch.predictor=temporal" },
    { "prefetch.predictor", "replay", NULL, NULL, "prefetch.trace, which is not set" },
    { "prefetch.predictor", "oracle", "prefetch.trace", other, "prefetch.trace is set, but prefetch.predictor=oracle" },
    { "prefetch.predictor", "replay", "prefetch.trace", other, "has 2 tokens, 4 were asked for" },
  };
  for (int i = 0; i < TB_ARRAY_LEN(bad); i++) {
    tb_config c;
    fx_config(&c, model, 4);
    fx_set_str(&c, bad[i].key, bad[i].value);
    if (bad[i].key2) fx_set_str(&c, bad[i].key2, bad[i].value2);
    tb_run *r = NULL;
    int rc = tb_run_open(&r, &c);
    TB_CHECK(rc == TB_ERR_ARG || rc == TB_ERR_TRACE, "case %d: rc %d", i, rc);
    TB_CHECK(strstr(tb_last_error(), bad[i].message) != NULL, "case %d: message '%s'", i, tb_last_error());
    tb_run_close(r);
  }
  /* depth 0 and predictor none: no prefetcher, no prefetch counters */
  tb_config c;
  fx_config(&c, model, 2);
  fx_set_str(&c, "prefetch.predictor", "oracle");
  fx_set_int(&c, "prefetch.depth", 0);
  fx_result r = fx_run(&c);
  TB_CHECK(r.rc == TB_OK && r.s[TB_C_prefetch_predictions] == 0 && r.s[TB_C_prefetch_reads] == 0, "depth 0: no prefetch");
}
