/* test_policy_opt.c — OPT is optimal: on short random traces its misses equal the minimum found
 * by exhaustive search over every admission and eviction choice, and on synthetic routing of
 * varied skew (batches of K, one cache or one per layer) no demand policy has fewer misses. */
#include "tb_test.h"
#include "test_policy_util.h"
#include "../src/sim/sim.h"
#include "../src/util/common.h"
#include <string.h>

enum { N = 22, KEYS = 8 };

/* Fewest misses from request i on, with `mask` resident, over every choice a cache could make:
 * bypass, fill a free entry, or replace any resident key. memo[i][mask] = -1 until computed. */
static int fewest(const int *seq, int i, unsigned mask, int cap, int memo[N + 1][1 << KEYS]) {
  if (i == N) return 0;
  if (memo[i][mask] >= 0) return memo[i][mask];
  unsigned x = 1u << seq[i];
  int best;
  if (mask & x) best = fewest(seq, i + 1, mask, cap, memo);
  else {
    best = fewest(seq, i + 1, mask, cap, memo);                       /* bypass */
    if (__builtin_popcount(mask) < cap) {
      int f = fewest(seq, i + 1, mask | x, cap, memo);
      if (f < best) best = f;
    }
    for (unsigned y = 1; y < (1u << KEYS); y <<= 1)
      if (mask & y) {
        int f = fewest(seq, i + 1, (mask & ~y) | x, cap, memo);
        if (f < best) best = f;
      }
    best += 1;
  }
  return memo[i][mask] = best;
}

TB_TEST(policy_opt_matches_exhaustive_minimum) {
  static int memo[N + 1][1 << KEYS];
  tb_rng rng;
  tb_rng_seed(&rng, 2024);
  for (int trial = 0; trial < 60; trial++) {
    int seq[N];
    char text[N + 1];
    double skew = 1.0 + (trial % 3);              /* u^skew: from uniform to strongly skewed */
    for (int i = 0; i < N; i++) {
      double u = tb_rng_uniform(&rng), v = u;
      for (int s = 1; s < skew; s++) v *= u;
      seq[i] = (int)(v * KEYS);
      text[i] = (char)('A' + seq[i]);
    }
    text[N] = 0;
    for (int cap = 1; cap <= 4; cap++) {
      memset(memo, -1, sizeof memo);
      int want = fewest(seq, 0, 0, cap, memo);
      char pattern[N + 1];
      int hits = policy_trace("opt", cap, text, pattern, NULL);
      TB_CHECK(N - hits == want, "%s cap %d: opt %d misses, minimum %d (%s)", text, cap, N - hits, want, pattern);
    }
  }
}

TB_TEST(policy_opt_never_beaten_on_synthetic_routing) {
  enum { LAYERS = 4, EXPERTS = 48, TOKENS = 400, KK = 4 };
  const double zipf[] = { 0.0, 0.6, 1.0, 1.6 };
  const double reuse[] = { 0.0, 0.4 };
  const int entries[] = { 4, 8, 16, 40 };
  tb_sim_cell cells[TB_ARRAY_LEN(entries) * 8];
  for (int zi = 0; zi < TB_ARRAY_LEN(zipf); zi++)
    for (int ri = 0; ri < TB_ARRAY_LEN(reuse); ri++)
      for (int per_layer = 0; per_layer <= 1; per_layer++) {
        tb_routing rt;
        tb_synth_params sp = { .zipf = zipf[zi], .reuse = reuse[ri], .seed = (uint64_t)(7 + zi * 10 + ri) };
        TB_CHECK_OK(tb_routing_synthetic(&rt, TOKENS, LAYERS, EXPERTS, KK, &sp));
        tb_sim_setup s = { .routing = &rt, .per_layer = per_layer, .record_bytes = 4096 };
        int n = 0;
        for (int ei = 0; ei < TB_ARRAY_LEN(entries); ei++)
          for (int pi = 0; pi < tb_policy_count; pi++)
            if (!tb_policies[pi]->no_storage)
              cells[n++] = (tb_sim_cell){ .policy = tb_policies[pi],
                                          .entries = entries[ei] * (per_layer ? 1 : LAYERS) };
        TB_CHECK_OK(tb_sim_run(&s, cells, n, 2));
        for (int i = 0; i < n; i++) {
          const tb_sim_cell *opt = NULL;
          for (int j = 0; j < n; j++)
            if (cells[j].entries == cells[i].entries && strcmp(cells[j].policy->name, "opt") == 0) opt = &cells[j];
          TB_CHECK(opt && opt->misses <= cells[i].misses, "zipf %g reuse %g %s %d entries: opt %lld > %s %lld",
                   zipf[zi], reuse[ri], per_layer ? "per-layer" : "global", cells[i].entries,
                   (long long)(opt ? opt->misses : -1), cells[i].policy->name, (long long)cells[i].misses);
          TB_CHECK(cells[i].requests == (int64_t)TOKENS * LAYERS * KK, "requests");
        }
        tb_routing_free(&rt);
      }
}

/* With uniform routing the past says nothing about the future, so every online policy holds
 * `capacity` random experts of `experts`: hit ratio ≈ capacity / experts once warm. Exactly,
 * the j-th of a token's K distinct experts (j = 0…K−1) cannot be one of the j already requested
 * (resident, hit or filled), so it hits with (capacity − j) / (experts − j): the mean over j. */
TB_TEST(policy_uniform_routing_hits_capacity_over_experts) {
  enum { LAYERS = 2, EXPERTS = 64, TOKENS = 4000, KK = 4, WARMUP = 200 };
  tb_routing rt;
  tb_synth_params sp = { .zipf = 0, .reuse = 0, .seed = 5 };
  TB_CHECK_OK(tb_routing_synthetic(&rt, TOKENS, LAYERS, EXPERTS, KK, &sp));
  tb_sim_setup s = { .routing = &rt, .per_layer = 1, .warmup_tokens = WARMUP, .record_bytes = 4096 };
  const int entries[] = { 8, 16, 32, 48 };
  tb_sim_cell cells[TB_ARRAY_LEN(entries) * 8];
  int n = 0;
  for (int ei = 0; ei < TB_ARRAY_LEN(entries); ei++)
    for (int pi = 0; pi < tb_policy_count; pi++)
      if (!tb_policies[pi]->no_storage && !tb_policies[pi]->needs_future)
        cells[n++] = (tb_sim_cell){ .policy = tb_policies[pi], .entries = entries[ei] };
  TB_CHECK_OK(tb_sim_run(&s, cells, n, 2));
  for (int i = 0; i < n; i++) {
    double ratio = (double)cells[i].hits / (double)cells[i].requests;
    double want = 0;
    for (int j = 0; j < KK; j++) want += (double)(cells[i].entries - j) / (EXPERTS - j) / KK;
    /* 30,400 requests per cell: the binomial standard deviation is below 0.003 */
    TB_CHECK(ratio > want - 0.01 && ratio < want + 0.01, "%s %d entries: hit ratio %.4f, want %.4f",
             cells[i].policy->name, cells[i].entries, ratio, want);
  }
  tb_routing_free(&rt);
}
