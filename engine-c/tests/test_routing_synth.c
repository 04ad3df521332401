/* test_routing_synth.c — the synthetic routing source: deterministic in its seed, K distinct
 * in-range experts per (token, layer), gate weights positive and summing to 1, popularity
 * skew that grows with the Zipf exponent, and reuse that raises repeats of the last token. */
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/routing/routing.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int synth(tb_routing *r, int tokens, int layers, int experts, int k, double zipf,
                 double reuse, uint64_t seed) {
  tb_synth_params p = { .zipf = zipf, .reuse = reuse, .seed = seed };
  int rc = tb_routing_synthetic(r, tokens, layers, experts, k, &p);
  TB_CHECK(rc == TB_OK, "synthetic(zipf %g reuse %g) -> %d: %s", zipf, reuse, rc, tb_error_message());
  return rc == TB_OK;
}

static const int32_t *row(const tb_routing *r, int t, int l) {
  return r->ids + ((size_t)t * r->layers + l) * r->k;
}

static int cmp_desc(const void *a, const void *b) { return *(const int *)b - *(const int *)a; }

/* Share of all accesses that go to the most-accessed 10 % of experts, averaged over layers. */
static double top_decile_share(const tb_routing *r) {
  int *count = calloc(r->experts, sizeof *count);
  int top = (r->experts + 9) / 10;
  double share = 0;
  for (int l = 0; l < r->layers; l++) {
    memset(count, 0, r->experts * sizeof *count);
    for (int t = 0; t < r->tokens; t++)
      for (int j = 0; j < r->k; j++) count[row(r, t, l)[j]]++;
    qsort(count, r->experts, sizeof *count, cmp_desc);
    int64_t sum = 0;
    for (int i = 0; i < top; i++) sum += count[i];
    share += (double)sum / ((double)r->tokens * r->k);
  }
  free(count);
  return share / r->layers;
}

/* Fraction of requests (tokens ≥ 1) whose expert was also routed by the previous token. */
static double repeat_fraction(const tb_routing *r) {
  int64_t repeats = 0, total = 0;
  for (int t = 1; t < r->tokens; t++)
    for (int l = 0; l < r->layers; l++)
      for (int j = 0; j < r->k; j++) {
        const int32_t *prev = row(r, t - 1, l);
        int hit = 0;
        for (int i = 0; i < r->k; i++) hit |= prev[i] == row(r, t, l)[j];
        repeats += hit;
        total++;
      }
  return (double)repeats / total;
}

TB_TEST(routing_synth_same_seed_same_routing_other_seed_other_routing) {
  tb_routing a, b, c;
  if (!synth(&a, 300, 3, 64, 4, 0.9, 0.3, 17)) return;
  if (!synth(&b, 300, 3, 64, 4, 0.9, 0.3, 17)) { tb_routing_free(&a); return; }
  if (!synth(&c, 300, 3, 64, 4, 0.9, 0.3, 18)) { tb_routing_free(&a); tb_routing_free(&b); return; }
  size_t n = (size_t)300 * 3 * 4;
  TB_CHECK(memcmp(a.ids, b.ids, n * sizeof *a.ids) == 0, "same seed, different ids");
  TB_CHECK(memcmp(a.weights, b.weights, n * sizeof *a.weights) == 0, "same seed, different weights");
  size_t differ = 0;
  for (size_t i = 0; i < n; i++) differ += a.ids[i] != c.ids[i];
  TB_CHECK(differ > n / 2, "seeds 17 and 18 agree on %zu of %zu ids", n - differ, n);
  tb_routing_free(&a); tb_routing_free(&b); tb_routing_free(&c);
}

TB_TEST(routing_synth_rows_are_distinct_in_range_with_weights_summing_to_one) {
  /* Uniform; skewed; steep enough (zipf 6, k 10 of 16) to need the exact fallback draw;
   * and reuse 1 (every slot re-drawn from the previous token when it can be). */
  static const struct { int experts, k; double zipf, reuse; } cases[] = {
    { 512, 4, 0.0, 0.0 }, { 64, 8, 1.2, 0.4 }, { 16, 10, 6.0, 0.2 }, { 32, 4, 0.8, 1.0 }, { 1, 1, 1.0, 0.5 },
  };
  for (int c = 0; c < TB_ARRAY_LEN(cases); c++) {
    tb_routing r;
    if (!synth(&r, 200, 2, cases[c].experts, cases[c].k, cases[c].zipf, cases[c].reuse, 5)) continue;
    int bad = 0;
    for (int t = 0; t < r.tokens && !bad; t++)
      for (int l = 0; l < r.layers && !bad; l++) {
        const int32_t *ids = row(&r, t, l);
        const float *w = r.weights + (ids - r.ids);
        double sum = 0;
        for (int j = 0; j < r.k; j++) {
          sum += w[j];
          if (ids[j] < 0 || ids[j] >= r.experts) bad = 1;
          for (int i = 0; i < j; i++) if (ids[i] == ids[j]) bad = 1;
          if (!(w[j] > 0)) bad = 1;
        }
        if (fabs(sum - 1) > 1e-6) bad = 1;
        TB_CHECK(!bad, "case %d token %d layer %d: ids out of range, repeated, or weights "
                 "(sum %.9f) not positive summing to 1", c, t, l, sum);
      }
    tb_routing_free(&r);
  }
}

TB_TEST(routing_synth_top_decile_share_grows_with_zipf) {
  static const double zipf[] = { 0.0, 0.5, 1.0, 1.5 };
  double share[4];
  for (int i = 0; i < 4; i++) {
    tb_routing r;
    if (!synth(&r, 2000, 2, 64, 4, zipf[i], 0.0, 99)) return;
    share[i] = top_decile_share(&r);
    tb_routing_free(&r);
  }
  /* uniform: 7 of 64 experts get ≈ 11 % (a little more: they are the luckiest 7) */
  TB_CHECK(share[0] > 0.09 && share[0] < 0.16, "zipf 0: top-decile share %.3f, expected ≈ 0.11", share[0]);
  for (int i = 1; i < 4; i++)
    TB_CHECK(share[i] > share[i - 1] + 0.03, "zipf %.1f: share %.3f not above zipf %.1f: %.3f",
             zipf[i], share[i], zipf[i - 1], share[i - 1]);
  TB_CHECK(share[3] > 0.45, "zipf 1.5: top-decile share %.3f, expected well above half", share[3]);
}

TB_TEST(routing_synth_reuse_raises_repeats_from_the_previous_token) {
  static const double reuse[] = { 0.0, 0.3, 0.7 };
  double frac[3];
  for (int i = 0; i < 3; i++) {
    tb_routing r;
    if (!synth(&r, 2000, 2, 64, 4, 0.0, reuse[i], 7)) return;
    frac[i] = repeat_fraction(&r);
    tb_routing_free(&r);
  }
  /* Uniform draws repeat a previous expert with probability k/experts = 1/16; each reused
   * slot repeats one for certain, so the fraction is ≈ reuse + (1 − reuse)/16. */
  for (int i = 0; i < 3; i++) {
    double expect = reuse[i] + (1 - reuse[i]) / 16;
    TB_CHECK(fabs(frac[i] - expect) < 0.03, "reuse %.1f: repeat fraction %.3f, expected ≈ %.3f",
             reuse[i], frac[i], expect);
  }
}

TB_TEST(routing_synth_is_prefix_stable_in_tokens_and_layers) {
  tb_routing big, small;
  if (!synth(&big, 120, 4, 32, 3, 1.1, 0.5, 3)) return;
  if (!synth(&small, 50, 2, 32, 3, 1.1, 0.5, 3)) { tb_routing_free(&big); return; }
  int same = 1;
  for (int t = 0; t < 50; t++)
    for (int l = 0; l < 2; l++)
      same &= memcmp(row(&big, t, l), row(&small, t, l), 3 * sizeof(int32_t)) == 0;
  TB_CHECK(same, "the first 50 tokens of 2 layers differ from a 120-token, 4-layer routing");
  tb_routing_free(&big); tb_routing_free(&small);
}

TB_TEST(routing_synth_refuses_bad_parameters_naming_them) {
  tb_routing r;
  tb_synth_params p = { .zipf = 1, .reuse = 0.5, .seed = 1 };
  TB_CHECK(tb_routing_synthetic(&r, 10, 2, 8, 9, &p) == TB_ERR_ARG, "k > experts accepted");
  TIO_ERROR_HAS("k=9", "k in 1..experts");
  TB_CHECK(tb_routing_synthetic(&r, 0, 2, 8, 2, &p) == TB_ERR_ARG, "0 tokens accepted");
  p.zipf = -0.5;
  TB_CHECK(tb_routing_synthetic(&r, 10, 2, 8, 2, &p) == TB_ERR_ARG, "negative zipf accepted");
  TIO_ERROR_HAS("routing.zipf=-0.5");
  p.zipf = NAN;
  TB_CHECK(tb_routing_synthetic(&r, 10, 2, 8, 2, &p) == TB_ERR_ARG, "NaN zipf accepted");
  p.zipf = 1; p.reuse = 1.5;
  TB_CHECK(tb_routing_synthetic(&r, 10, 2, 8, 2, &p) == TB_ERR_ARG, "reuse 1.5 accepted");
  TIO_ERROR_HAS("routing.reuse=1.5", "[0, 1]");
  TB_CHECK(r.ids == NULL && r.tokens == 0, "a refused call left arrays behind");
}
