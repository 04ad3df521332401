/* test_pin.c — pinned experts: the top-N choice (hand-checked, ties, zero weights, per layer),
 * placement inside the cache's capacity, and in real runs: pins from a profile file at open or
 * from a warm-up window, never evicted, counted inside the budget, output hash unchanged, and
 * the settings a run refuses. */
#include "tb_test.h"
#include "test_prefetch_fixture.h"
#include "../src/cache/pin.h"
#include <stdio.h>
#include <string.h>

TB_TEST(pin_choose_top_n_hand_checked) {
  /* 2 layers x 4 experts: layer 0 weights 3 0 5 3, layer 1 weights 1 5 0 2 (keys 0..7).
   * By weight, ties to the lower key: 2 (5), 5 (5), 0 (3), 3 (3), 7 (2), 4 (1); 1 and 6 weigh 0. */
  const double w[8] = { 3, 0, 5, 3, 1, 5, 0, 2 };
  int32_t order[8], out[16];
  int n = tb_pin_choose(w, 2, 4, 0, 3, order, out);
  TB_CHECK(n == 3 && out[0] == 2 && out[1] == 5 && out[2] == 0, "top 3: %d [%d %d %d]", n, out[0], out[1], out[2]);
  n = tb_pin_choose(w, 2, 4, 0, 10, order, out);
  const int32_t all[6] = { 2, 5, 0, 3, 7, 4 };
  TB_CHECK(n == 6 && memcmp(out, all, sizeof all) == 0, "top 10: only the %d experts of weight > 0", n);
  n = tb_pin_choose(w, 2, 4, 1, 2, order, out);   /* per layer: layer 0 → 2, 0; layer 1 → 5, 7 */
  TB_CHECK(n == 4 && out[0] == 2 && out[1] == 0 && out[2] == 5 && out[3] == 7, "per layer: [%d %d %d %d]",
           out[0], out[1], out[2], out[3]);
}

TB_TEST(pin_choose_matches_a_brute_force_choice) {
  enum { L = 3, E = 37 };
  double w[L * E];
  int32_t order[L * E], out[L * E];
  tb_rng rng;
  tb_rng_seed(&rng, 11);
  for (int round = 0; round < 20; round++) {
    for (int i = 0; i < L * E; i++) w[i] = (double)(tb_rng_next(&rng) % 4);   /* many ties, some zeros */
    int n = 1 + (int)(tb_rng_next(&rng) % (L * E));
    int per_layer = round % 2;
    int got = tb_pin_choose(w, L, E, per_layer, per_layer ? n % E + 1 : n, order, out);
    /* brute force: repeatedly take the heaviest unchosen key of weight > 0 (lowest key on ties) */
    uint8_t taken[L * E] = { 0 };
    int m = 0;
    for (int l = 0; l < (per_layer ? L : 1); l++) {
      int lo = per_layer ? l * E : 0, hi = per_layer ? lo + E : L * E, want = per_layer ? n % E + 1 : n;
      for (int c = 0; c < want; c++) {
        int best = -1;
        for (int k = lo; k < hi; k++)
          if (!taken[k] && w[k] > 0 && (best < 0 || w[k] > w[best])) best = k;
        if (best < 0) break;
        taken[best] = 1;
        TB_CHECK(m < got && out[m] == best, "round %d: pin %d is %d, want %d", round, m, m < got ? out[m] : -1, best);
        m++;
      }
    }
    TB_CHECK(got == m, "round %d: %d pins, want %d", round, got, m);
  }
}

TB_TEST(pin_place_inside_capacity_and_in_place) {
  tb_cache *c;
  TB_CHECK_OK(tb_cache_create(&c, tb_policy_find("lru"), 3, 8, 4096));
  tb_req q = { .key = 5, .expert = 5 };
  int slot;
  tb_cache_access(c, &q, &slot);            /* 5 resident, in the open batch */
  c->slots[slot].state = TB_SLOT_READY;
  const int32_t keys[3] = { 5, 1, 2 };
  tb_pin_fill fills[3];
  int n = tb_pin_place(&c, 1, 0, 8, keys, 3, fills);
  TB_CHECK(n == 2 && fills[0].key == 1 && fills[1].key == 2, "5 pinned in place, 1 and 2 filled: %d fills", n);
  TB_CHECK(c->pinned_slots == 3 && c->used == 3 && c->requests == 1, "pins are not requests");
  TB_CHECK(tb_cache_peek(c, 5) == slot && c->slots[slot].pinned, "5 pinned in its slot");
  const int32_t more[1] = { 7 };
  TB_CHECK(tb_pin_place(&c, 1, 0, 8, more, 1, fills) == TB_ERR_ARG, "no unpinned slot left");
  tb_cache_destroy(c);
}

TB_TEST(pin_into_a_full_cache_of_every_policy) {
  /* Each policy with storage, 6 slots over 24 keys: requests fill it and leave ghosts (ARC,
   * S3-FIFO); then pins of a ghost key and of a key never seen must take a slot like a miss
   * would (OPT included, which otherwise refuses keys it does not need soon), stay put under more
   * requests, and leave the policy's own lists consistent (the run ends with every access
   * answered and the budget kept). */
  for (int p = 0; p < tb_policy_count; p++) {
    const tb_policy_ops *ops = tb_policies[p];
    if (ops->no_storage) continue;
    tb_cache *c;
    TB_CHECK_OK(tb_cache_create(&c, ops, 6, 24, 4096));
    tb_rng rng;
    tb_rng_seed(&rng, 3);
    int64_t t = 0;
    for (; t < 60; t++) {
      tb_req q = { .key = (int32_t)(tb_rng_next(&rng) % 20), .token = t, .next_use = t + 1 + (int64_t)(tb_rng_next(&rng) % 9) };
      q.expert = q.key;
      int slot;
      tb_cache_access(c, &q, &slot);
      tb_cache_end_batch(c);
    }
    const int32_t pins[2] = { 23, 0 };   /* never seen; seen (resident, or a ghost by now) */
    tb_pin_fill fills[2];
    int n = tb_pin_place(&c, 1, 0, 24, pins, 2, fills);
    TB_CHECK(n >= 1, "%s: pins placed: %d (%s)", ops->name, n, tb_last_error());
    for (; t < 200; t++) {
      tb_req q = { .key = (int32_t)(tb_rng_next(&rng) % 24), .token = t, .next_use = t + 1 + (int64_t)(tb_rng_next(&rng) % 9) };
      q.expert = q.key;
      int slot;
      tb_cache_access(c, &q, &slot);
      tb_cache_end_batch(c);
    }
    TB_CHECK(tb_cache_peek(c, 23) >= 0 && tb_cache_peek(c, 0) >= 0, "%s: pinned keys resident", ops->name);
    TB_CHECK(c->pinned_slots == 2 && c->used <= 6 && c->hits + c->misses == c->requests, "%s: counters", ops->name);
    tb_cache_destroy(c);
  }
}

/* Requests of each key in the first `tokens` tokens of a run's routing. */
static void count_requests(const tb_routing *rt, int tokens, double *w) {
  memset(w, 0, sizeof(double) * (size_t)rt->layers * rt->experts);
  for (int t = 0; t < tokens; t++)
    for (int l = 0; l < rt->layers; l++)
      for (int j = 0; j < rt->k; j++) w[l * rt->experts + rt->ids[((size_t)t * rt->layers + l) * rt->k + j]] += 1;
}

TB_TEST(pin_window_pins_never_evicted_inside_the_budget) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  double rec = (double)fx_record_bytes();
  const char *scopes[] = { "global", "per-layer" };
  for (int sc = 0; sc < 2; sc++) {
    int per_layer = sc == 1, entries = per_layer ? 6 : 10, top_n = per_layer ? 2 : 4, window = 3, tokens = 12;
    tb_config c;
    fx_config(&c, model, tokens);
    fx_set_str(&c, "cache.policy", "lru");
    fx_set_int(&c, "cache.entries", entries);
    fx_set_str(&c, "cache.scope", scopes[sc]);
    fx_result plain = fx_run(&c);
    fx_set_int(&c, "pin.top_n", top_n);
    fx_set_int(&c, "pin.window", window);
    tb_run *r;
    TB_CHECK_OK(tb_run_open(&r, &c));
    if (!r) return;
    double w[48];
    int32_t order[48], want[48];
    count_requests(&r->routing, window, w);
    int n = tb_pin_choose(w, 3, 16, per_layer, top_n, order, want);
    TB_CHECK(n == (per_layer ? 3 * top_n : top_n), "%s: %d pins expected", scopes[sc], n);
    int slots[48];
    for (int t = 0; t < tokens; t++) {
      TB_CHECK(tb_run_step(r, 0, NULL) >= 0, "%s: %s", scopes[sc], tb_last_error());
      if (t + 1 < window) continue;
      TB_CHECK(r->pins_placed == (t + 1 > window), "%s token %d: pins placed once the window has run", scopes[sc], t);
      if (t + 1 == window) continue;
      for (int i = 0; i < n; i++) {
        tb_cache *cl = r->cache[per_layer ? want[i] / 16 : 0];
        int s = tb_cache_peek(cl, want[i]);
        TB_CHECK(s >= 0 && cl->slots[s].pinned, "%s token %d: key %d pinned", scopes[sc], t, want[i]);
        if (t == window) slots[i] = s;
        else TB_CHECK(s == slots[i], "%s token %d: key %d moved or was evicted", scopes[sc], t, want[i]);
      }
    }
    double s[TB_COUNTER_COUNT];
    tb_run_stats(r, s);
    int caches = per_layer ? 3 : 1;
    TB_CHECK(s[TB_C_pinned_entries] == n && s[TB_C_pinned_bytes] == n * rec, "%s: pinned %g", scopes[sc], s[TB_C_pinned_entries]);
    TB_CHECK(s[TB_C_cache_capacity_entries] == caches * entries && s[TB_C_cache_peak_entries] <= caches * entries,
             "%s: pins inside the budget (peak %g)", scopes[sc], s[TB_C_cache_peak_entries]);
    TB_CHECK(s[TB_C_pin_reads] <= n && s[TB_C_pin_load_s] > 0, "%s: pin reads %g", scopes[sc], s[TB_C_pin_reads]);
    TB_CHECK(s[TB_C_app_hits] + s[TB_C_app_misses] == s[TB_C_requests], "%s: requests", scopes[sc]);
    TB_CHECK(tb_run_output_hash(r) == plain.hash, "%s: pins changed the output hash", scopes[sc]);
    tb_run_close(r);
  }
}

TB_TEST(pin_file_pins_the_profile_heaviest_at_open) {
  const char *dir = tb_test_tmpdir(), *model = fx_make_model(dir);
  if (!model) return;
  /* a profile that makes experts 15, 14 (layer 0), 9 (layer 1) and 3 (layer 2) the heaviest */
  char path[4200];
  snprintf(path, sizeof path, "%s/profile.txt", dir);
  FILE *f = fopen(path, "w");
  TB_CHECK(f != NULL, "write %s", path);
  if (!f) return;
  fprintf(f, "# test profile\n");
  for (int l = 0; l < 3; l++) {
    for (int e = 0; e < 16; e++) {
      double v = (l == 0 && e == 15) ? 90 : (l == 0 && e == 14) ? 80 : (l == 1 && e == 9) ? 70 : (l == 2 && e == 3) ? 60 : 1;
      fprintf(f, "%s%g", e ? " " : "", v);
    }
    fprintf(f, "\n");
  }
  fclose(f);
  tb_config c;
  fx_config(&c, model, 6);
  fx_set_str(&c, "cache.policy", "lru");
  fx_set_int(&c, "cache.entries", 9);
  fx_result plain = fx_run(&c);
  fx_set_str(&c, "pin.file", path);
  fx_set_int(&c, "pin.top_n", 4);
  tb_run *r;
  TB_CHECK_OK(tb_run_open(&r, &c));
  if (!r) return;
  const int32_t keys[4] = { 15, 14, 16 + 9, 32 + 3 };
  double s[TB_COUNTER_COUNT];
  tb_run_stats(r, s);
  TB_CHECK(s[TB_C_pinned_entries] == 4 && s[TB_C_pin_reads] == 4 && s[TB_C_requests] == 0, "pinned at open");
  while (tb_run_step(r, 1e9, NULL) == TB_MORE) {}
  for (int i = 0; i < 4; i++) {
    int sl = tb_cache_peek(r->cache[0], keys[i]);
    TB_CHECK(sl >= 0 && r->cache[0]->slots[sl].pinned, "key %d pinned to the end", keys[i]);
  }
  TB_CHECK(tb_run_output_hash(r) == plain.hash, "pins changed the output hash");
  tb_run_close(r);
}

TB_TEST(pin_run_refuses_bad_settings) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  struct { const char *policy; int entries, top_n, window; const char *file, *message; } bad[] = {
    { "lru", 4, 5, 2, "", "pins live inside the application cache, which holds 4 experts" },
    { "none", 0, 1, 2, "", "which holds 0 experts" },
    { "lru", 8, 2, 4, "", "the window must end before the run does" },
    { "lru", 8, 2, 2, "/nonexistent/profile", "pins come from pin.file or from pin.window; set only one" },
    { "lru", 8, 2, 0, "", "pins come from pin.file or from pin.window; set one" },
    { "lru", 8, 0, 2, "", "pin.window is set but pin.top_n is 0" },
    { "lru", 8, 2, 0, "/nonexistent/profile", "/nonexistent/profile" },
  };
  for (int i = 0; i < TB_ARRAY_LEN(bad); i++) {
    tb_config c;
    fx_config(&c, model, 4);
    fx_set_str(&c, "cache.policy", bad[i].policy);
    fx_set_int(&c, "cache.entries", bad[i].entries);
    fx_set_int(&c, "pin.top_n", bad[i].top_n);
    fx_set_int(&c, "pin.window", bad[i].window);
    fx_set_str(&c, "pin.file", bad[i].file);
    tb_run *r = NULL;
    int rc = tb_run_open(&r, &c);
    TB_CHECK(rc < 0 && r == NULL, "case %d opened", i);
    TB_CHECK(strstr(tb_last_error(), bad[i].message) != NULL, "case %d: '%s'", i, tb_last_error());
  }
}
