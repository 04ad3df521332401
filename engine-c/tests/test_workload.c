/* test_workload.c — the calibrated workload's knobs of the synthetic routing source (reuse
 * window, topic shifts, per-layer spread, cross-layer correlation, measured popularity): each
 * does what it says and keeps the source deterministic and prefix-stable; plus the popularity
 * file reader's errors. */
#include "tb_test.h"
#include "../src/routing/routing.h"
#include "../src/cache/cache.h"
#include "../src/util/common.h"
#include <stdlib.h>
#include <string.h>

/* TB_CHECK_OK without tb_last_error(): these tests link without the ABI layer. */
#define WL_OK(call) do { int rc_ = (call); \
  if (rc_ < 0) tb_test_fail(__FILE__, __LINE__, "%s -> %d: %s", #call, rc_, tb_error_message()); } while (0)

static const int32_t *set_of(const tb_routing *r, int t, int l) {
  return &r->ids[((size_t)t * r->layers + l) * r->k];
}

static int same_set(const int32_t *a, const int32_t *b, int k) {
  for (int i = 0; i < k; i++) {
    int found = 0;
    for (int j = 0; j < k; j++) found |= a[i] == b[j];
    if (!found) return 0;
  }
  return 1;
}


static tb_synth_params base(void) {
  tb_synth_params p = { .zipf = 1.0, .reuse = 0.3, .seed = 7, .reuse_window = 4,
                        .topic_every = 50, .topic_shift = 0.5, .zipf_spread = 0.1 };
  return p;
}

TB_TEST(routing_workload_valid_and_deterministic) {
  tb_synth_params p = base();
  tb_routing a, b, c;
  WL_OK(tb_routing_synthetic(&a, 120, 5, 64, 4, &p));
  WL_OK(tb_routing_synthetic(&b, 120, 5, 64, 4, &p));
  p.seed = 8;
  WL_OK(tb_routing_synthetic(&c, 120, 5, 64, 4, &p));
  size_t n = (size_t)120 * 5 * 4;
  TB_CHECK(memcmp(a.ids, b.ids, n * 4) == 0, "same seed, different ids");
  TB_CHECK(memcmp(a.ids, c.ids, n * 4) != 0, "different seeds, same ids");
  for (int t = 0; t < 120; t++)
    for (int l = 0; l < 5; l++) {
      const int32_t *s = set_of(&a, t, l);
      const float *w = &a.weights[((size_t)t * 5 + l) * 4];
      float sum = 0;
      for (int j = 0; j < 4; j++) {
        TB_CHECK(s[j] >= 0 && s[j] < 64, "t%d l%d: id %d out of range", t, l, s[j]);
        for (int i = 0; i < j; i++) TB_CHECK(s[i] != s[j], "t%d l%d: expert %d twice", t, l, s[j]);
        TB_CHECK(j == 0 || w[j] <= w[j - 1], "t%d l%d: weights not in descending order", t, l);
        sum += w[j];
      }
      TB_CHECK(sum > 0.9999f && sum < 1.0001f, "t%d l%d: weights sum to %g", t, l, sum);
    }
  tb_routing_free(&a); tb_routing_free(&b); tb_routing_free(&c);
}

TB_TEST(routing_workload_layers_are_prefix_stable) {
  /* Scale models use the first L layers: they must not depend on how many were generated,
   * with or without cross-layer correlation (a layer depends only on the layers before it). */
  for (int cross = 0; cross < 2; cross++) {
    tb_synth_params p = base();
    p.cross_layer = cross ? 0.5 : 0;
    tb_routing small, big;
    WL_OK(tb_routing_synthetic(&small, 60, 3, 32, 2, &p));
    WL_OK(tb_routing_synthetic(&big, 60, 7, 32, 2, &p));
    for (int t = 0; t < 60; t++)
      for (int l = 0; l < 3; l++)
        TB_CHECK(memcmp(set_of(&small, t, l), set_of(&big, t, l), 2 * 4) == 0,
                 "cross=%d t%d l%d differs between 3 and 7 layers", cross, t, l);
    tb_routing_free(&small); tb_routing_free(&big);
  }
}

TB_TEST(routing_workload_full_reuse_repeats_previous_token) {
  tb_synth_params p = { .zipf = 1.0, .reuse = 1.0, .reuse_window = 1, .seed = 3 };
  tb_routing r;
  WL_OK(tb_routing_synthetic(&r, 40, 2, 64, 4, &p));
  for (int t = 1; t < 40; t++)
    for (int l = 0; l < 2; l++)
      TB_CHECK(same_set(set_of(&r, t, l), set_of(&r, 0, l), 4), "t%d l%d: not token 0's set", t, l);
  tb_routing_free(&r);
}

/* The most requested expert of layer l over tokens [t0, t1). */
static int hottest(const tb_routing *r, int l, int t0, int t1) {
  int count[512] = { 0 }, best = 0;
  for (int t = t0; t < t1; t++)
    for (int j = 0; j < r->k; j++) count[set_of(r, t, l)[j]]++;
  for (int e = 1; e < r->experts; e++) if (count[e] > count[best]) best = e;
  return best;
}

TB_TEST(routing_workload_topic_shift_moves_the_hot_set) {
  /* Steep Zipf (exponent 3: rank 0 takes ~83 % of draws): the hottest expert is stable within
   * a topic, and a full reshuffle at token 100 replaces it in nearly every layer. */
  tb_synth_params p = { .zipf = 3.0, .seed = 11, .topic_every = 100, .topic_shift = 0.0 };
  int layers = 20, moved[2] = { 0, 0 };
  for (int shift = 0; shift < 2; shift++) {
    p.topic_shift = shift;
    tb_routing r;
    WL_OK(tb_routing_synthetic(&r, 200, layers, 256, 1, &p));
    for (int l = 0; l < layers; l++) moved[shift] += hottest(&r, l, 0, 100) != hottest(&r, l, 100, 200);
    tb_routing_free(&r);
  }
  TB_CHECK(moved[0] == 0, "no shift: hottest expert moved in %d of %d layers", moved[0], layers);
  TB_CHECK(moved[1] >= layers - 2, "full shift: hottest expert moved in only %d of %d layers",
           moved[1], layers);
}

/* Layers l-1 → l: the fraction of (token, slot) pairs whose expert is explained by the most
 * common successor of the previous layer's expert in that slot. */
static double follow_share(const tb_routing *r, int l) {
  static int succ[256][256];
  memset(succ, 0, sizeof succ);
  for (int t = 0; t < r->tokens; t++)
    for (int j = 0; j < r->k; j++) succ[set_of(r, t, l - 1)[j]][set_of(r, t, l)[j]]++;
  int explained = 0;
  for (int a = 0; a < r->experts; a++) {
    int best = 0;
    for (int b = 0; b < r->experts; b++) if (succ[a][b] > best) best = succ[a][b];
    explained += best;
  }
  return (double)explained / (r->tokens * r->k);
}

TB_TEST(routing_workload_cross_layer_follows_previous_layer) {
  tb_synth_params p = { .zipf = 0.5, .seed = 5 };
  tb_routing indep, tied;
  WL_OK(tb_routing_synthetic(&indep, 400, 4, 256, 2, &p));
  p.cross_layer = 1.0;
  WL_OK(tb_routing_synthetic(&tied, 400, 4, 256, 2, &p));
  for (int l = 1; l < 4; l++) {
    double a = follow_share(&indep, l), b = follow_share(&tied, l);
    TB_CHECK(b == 1.0, "cross_layer=1, layer %d: only %.3f of slots follow layer %d", l, b, l - 1);
    TB_CHECK(a < 0.75, "cross_layer=0, layer %d: %.3f of slots follow layer %d", l, a, l - 1);
  }
  tb_routing_free(&indep); tb_routing_free(&tied);
}

TB_TEST(routing_workload_popularity_replaces_zipf) {
  /* Layer 0 may only use experts 0..3 (weight 0 elsewhere), layer 1 only 4..7: with K = 4 every
   * token of a layer routes to exactly that set. */
  enum { E = 16 };
  double pop[2 * E] = { 0 };
  for (int e = 0; e < 4; e++) { pop[e] = 1.0 + e; pop[E + 4 + e] = 2.0; }
  tb_synth_params p = { .zipf = 1.0, .seed = 2, .popularity = pop };
  tb_routing r;
  WL_OK(tb_routing_synthetic(&r, 30, 2, E, 4, &p));
  int32_t want0[4] = { 0, 1, 2, 3 }, want1[4] = { 4, 5, 6, 7 };
  for (int t = 0; t < 30; t++) {
    TB_CHECK(same_set(set_of(&r, t, 0), want0, 4), "t%d layer 0 outside experts 0..3", t);
    TB_CHECK(same_set(set_of(&r, t, 1), want1, 4), "t%d layer 1 outside experts 4..7", t);
  }
  tb_routing_free(&r);
}

static void spoil_topic(tb_synth_params *p) { p->topic_shift = 1.5; }
static void spoil_cross(tb_synth_params *p) { p->cross_layer = -0.1; }
static void spoil_window(tb_synth_params *p) { p->reuse_window = -1; }
static void spoil_spread(tb_synth_params *p) { p->zipf_spread = 11; }
static double three_hot[2 * 16] = { [0] = 1, [1] = 1, [2] = 1, [3] = 1, [16] = 1, [17] = 1, [18] = 1 };
static void spoil_popularity(tb_synth_params *p) { p->popularity = three_hot; }

TB_TEST(routing_workload_rejects_bad_parameters_naming_them) {
  tb_routing r;
  const struct { const char *want; void (*spoil)(tb_synth_params *); } cases[] = {
    { "routing.topic_shift=1.5: must be in [0, 1]", spoil_topic },
    { "routing.cross_layer=-0.1: must be in [0, 1]", spoil_cross },
    { "routing.reuse_window=-1, routing.topic_every=50: must be >= 0", spoil_window },
    { "routing.zipf_spread=11: must be in [0, 10]", spoil_spread },
    { "routing.popularity: layer 1 has 3 experts with weight > 0, fewer than k=4", spoil_popularity },
  };
  for (int i = 0; i < TB_ARRAY_LEN(cases); i++) {
    tb_synth_params p = base();
    cases[i].spoil(&p);
    TB_CHECK(tb_routing_synthetic(&r, 10, 2, 16, 4, &p) == TB_ERR_ARG, "case %d accepted", i);
    TB_CHECK(strstr(tb_error_message(), cases[i].want), "case %d: got '%s'", i, tb_error_message());
  }
}

static int load_text(const char *text, int layers, int experts, double **out, char *path) {
  snprintf(path, 4200, "%s/pop.txt", tb_test_tmpdir());
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  return tb_popularity_load(path, layers, experts, out);
}

TB_TEST(routing_popularity_file_reads_and_rejects) {
  char path[4200], want[4400];
  double *w = NULL;
  WL_OK(load_text("# two layers, three experts\n1 2 3\n\n0 0 0.5\n", 2, 3, &w, path));
  TB_CHECK(w && w[1] == 2 && w[5] == 0.5, "values not read back");
  free(w);
  const struct { const char *text; int line; const char *msg; } bad[] = {
    { "1 2 3\n1 2\n", 2, "expected 3 weights (one per expert), found 2" },
    { "1 2 3\n1 -2 3\n", 2, "weight 2 is not a finite number >= 0" },
    { "# c\n1 x 3\n1 2 3\n", 2, "weight 2 is not a number" },
    { "0 0 0\n1 2 3\n", 1, "weights sum to 0" },
    { "1 2 3\n1 2 3\n1 2 3\n", 3, "more than the 2 layer lines expected" },
  };
  for (int i = 0; i < TB_ARRAY_LEN(bad); i++) {
    TB_CHECK(load_text(bad[i].text, 2, 3, &w, path) == TB_ERR_TRACE, "case %d accepted", i);
    snprintf(want, sizeof want, "%s:%d: %s", path, bad[i].line, bad[i].msg);
    TB_CHECK(strstr(tb_error_message(), want), "case %d: got '%s', want '%s'", i, tb_error_message(), want);
  }
  TB_CHECK(load_text("1 2 3\n", 2, 3, &w, path) == TB_ERR_TRACE, "missing layer accepted");
  TB_CHECK(strstr(tb_error_message(), "has 1 layer lines, the model has 2 layers"), "got %s", tb_error_message());
}
