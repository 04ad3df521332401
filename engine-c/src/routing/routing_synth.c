/* routing_synth.c — the seeded synthetic routing source: per layer, a Zipf popularity over a
 * random permutation of the experts, mixed with temporal reuse of the previous token's
 * experts; K distinct experts per (token, layer) and positive gate weights summing to 1.
 * Each layer has its own random streams, so a layer's routing does not depend on how many
 * layers or tokens are generated (the first T tokens of L layers are a prefix of any larger run).
 * The calibrated workload adds, each off at zero and then drawing nothing: a per-layer spread of
 * the exponent, a measured popularity instead of Zipf, reuse reaching back several tokens, topic
 * shifts that reshuffle part of rank → expert, and a chance that a slot follows the previous
 * layer's slot through a fixed per-layer map (cross-layer correlation). Order of chances for a
 * slot: cross-layer, then reuse, then popularity. */
#include "routing.h"
#include "../util/common.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Sampling scratch for one layer: allocated once per call, never per token. */
typedef struct {
  int experts;
  int32_t *perm;      /* [experts]: rank → expert id (rank 0 is the most popular) */
  double *cdf;        /* [experts]: cumulative popularity by rank, cdf[experts-1] = total */
  double *p;          /* [experts]: popularity by rank */
  int32_t *cross;     /* [experts]: previous layer's expert → this layer's (cross_layer) */
  int32_t *scratch;   /* [experts]: ranks picked by a topic shift */
} sampler;

/* Streams beyond ids (1) and weights (2); each is drawn from only when its feature is on. */
enum { STREAM_SPREAD = 3, STREAM_TOPIC = 4, STREAM_CROSS = 5 };

static uint64_t stream_seed(uint64_t seed, int layer, uint64_t stream) {
  uint64_t s = seed ^ (stream * 0xd1b54a32d192ed03ULL) ^ ((uint64_t)(layer + 1) * 0x9e3779b97f4a7c15ULL);
  return tb_splitmix64(&s);
}

static int below(tb_rng *rng, int n) { return (int)(tb_rng_uniform(rng) * n); }  /* [0, n) */

static void shuffle(tb_rng *rng, int32_t *a, int n) {      /* Fisher–Yates */
  for (int i = n - 1; i > 0; i--) {
    int j = below(rng, i + 1);
    int32_t t = a[i]; a[i] = a[j]; a[j] = t;
  }
}

static double normal(tb_rng *rng) {                        /* Box–Muller, one value */
  double u = 1.0 - tb_rng_uniform(rng), v = tb_rng_uniform(rng);
  return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* A measured popularity row (weights per expert id) keeps rank = expert id; Zipf ranks map to a
 * random permutation of the ids. */
static void sampler_layer(sampler *s, tb_rng *rng, double zipf, const double *popularity) {
  for (int i = 0; i < s->experts; i++) s->perm[i] = i;
  if (!popularity) shuffle(rng, s->perm, s->experts);
  double acc = 0;
  for (int i = 0; i < s->experts; i++) {
    s->p[i] = popularity ? popularity[i] : pow(i + 1.0, -zipf);
    acc += s->p[i];
    s->cdf[i] = acc;
  }
}

/* A topic shift: the experts holding a random `shift` fraction of the ranks trade places, so
 * the hot set partly changes while the shape of the popularity curve does not. */
static void topic_shift(sampler *s, tb_rng *rng, double shift) {
  int m = (int)lround(shift * s->experts);
  for (int i = 0; i < s->experts; i++) s->scratch[i] = i;
  for (int i = 0; i < m; i++) {                         /* partial Fisher–Yates: m distinct ranks */
    int j = i + below(rng, s->experts - i);
    int32_t t = s->scratch[i]; s->scratch[i] = s->scratch[j]; s->scratch[j] = t;
  }
  for (int i = m - 1; i > 0; i--) {                     /* shuffle their experts among them */
    int j = below(rng, i + 1);
    int32_t a = s->scratch[i], b = s->scratch[j];
    int32_t t = s->perm[a]; s->perm[a] = s->perm[b]; s->perm[b] = t;
  }
}

static int contains(const int32_t *row, int n, int32_t id) {
  for (int i = 0; i < n; i++) if (row[i] == id) return 1;
  return 0;
}

/* One expert from the popularity, distinct from row[0..n). Rejection is exact and fast while
 * the chosen experts hold little of the mass; when it keeps failing (steep Zipf), draw from
 * the remaining mass directly — the same conditional distribution, in O(experts). */
static int32_t draw_popular(const sampler *s, tb_rng *rng, const int32_t *row, int n) {
  double total = s->cdf[s->experts - 1];
  for (int attempt = 0; attempt < 64; attempt++) {
    double u = tb_rng_uniform(rng) * total;
    int lo = 0, hi = s->experts - 1;                    /* first rank with cdf > u */
    while (lo < hi) { int mid = (lo + hi) / 2; if (s->cdf[mid] > u) hi = mid; else lo = mid + 1; }
    if (!contains(row, n, s->perm[lo])) return s->perm[lo];
  }
  double rest = 0;
  for (int i = 0; i < s->experts; i++) if (!contains(row, n, s->perm[i])) rest += s->p[i];
  double u = tb_rng_uniform(rng) * rest;
  int32_t last = -1;
  for (int i = 0; i < s->experts; i++) {
    if (contains(row, n, s->perm[i])) continue;
    last = s->perm[i];
    if ((u -= s->p[i]) < 0) break;
  }
  return last;   /* rounding can leave u ≥ 0 after the walk: the last free expert then */
}

/* One of prev[0..k) not yet in row[0..n), uniformly; -1 if all are taken. */
static int32_t draw_reuse(tb_rng *rng, const int32_t *prev, int k, const int32_t *row, int n) {
  int32_t free_ids[TB_ROUTING_MAX_K];
  int m = 0;
  for (int i = 0; i < k; i++) if (!contains(row, n, prev[i])) free_ids[m++] = prev[i];
  return m ? free_ids[below(rng, m)] : -1;
}

/* Positive weights, largest first (as a router's top-k arrives), summing to 1. */
static void draw_weights(tb_rng *rng, float *w, int k) {
  double e[TB_ROUTING_MAX_K], sum = 0;
  for (int i = 0; i < k; i++) { e[i] = exp(3.0 * tb_rng_uniform(rng)); sum += e[i]; }
  for (int i = 1; i < k; i++)                            /* insertion sort, descending; k is small */
    for (int j = i; j > 0 && e[j] > e[j - 1]; j--) { double t = e[j]; e[j] = e[j - 1]; e[j - 1] = t; }
  for (int i = 0; i < k; i++) w[i] = (float)(e[i] / sum);
}

int tb_routing_synthetic(tb_routing *r, int tokens, int layers, int experts, int k,
                         const tb_synth_params *p) {
  memset(r, 0, sizeof *r);
  if (!(p->zipf >= 0 && p->zipf <= 100))
    return tb_fail(TB_ERR_ARG, "routing.zipf=%g: must be in [0, 100] (0 = uniform)", p->zipf);
  if (!(p->reuse >= 0 && p->reuse <= 1))
    return tb_fail(TB_ERR_ARG, "routing.reuse=%g: must be in [0, 1]", p->reuse);
  if (k > TB_ROUTING_MAX_K)
    return tb_fail(TB_ERR_ARG, "routing.k=%d: at most %d experts per token", k, TB_ROUTING_MAX_K);
  if (!(p->zipf_spread >= 0 && p->zipf_spread <= 10))
    return tb_fail(TB_ERR_ARG, "routing.zipf_spread=%g: must be in [0, 10] (0 = every layer the same)",
                   p->zipf_spread);
  if (!(p->topic_shift >= 0 && p->topic_shift <= 1))
    return tb_fail(TB_ERR_ARG, "routing.topic_shift=%g: must be in [0, 1]", p->topic_shift);
  if (!(p->cross_layer >= 0 && p->cross_layer <= 1))
    return tb_fail(TB_ERR_ARG, "routing.cross_layer=%g: must be in [0, 1] (0 = layers independent)",
                   p->cross_layer);
  if (p->reuse_window < 0 || p->topic_every < 0)
    return tb_fail(TB_ERR_ARG, "routing.reuse_window=%d, routing.topic_every=%d: must be >= 0",
                   p->reuse_window, p->topic_every);
  for (int l = 0; p->popularity && l < layers; l++) {
    int positive = 0;
    for (int e = 0; e < experts; e++) {
      double w = p->popularity[(size_t)l * experts + e];
      if (!(w >= 0 && isfinite(w)))
        return tb_fail(TB_ERR_ARG, "routing.popularity: layer %d, expert %d: weight %g must be "
                       "a finite number >= 0", l, e, w);
      positive += w > 0;
    }
    if (positive < k)
      return tb_fail(TB_ERR_ARG, "routing.popularity: layer %d has %d experts with weight > 0, "
                     "fewer than k=%d", l, positive, k);
  }
  int rc = tb_routing_alloc(r, tokens, layers, experts, k);
  if (rc) return rc;
  sampler s = { .experts = experts };
  s.perm = malloc(experts * sizeof *s.perm);
  s.cdf = malloc(experts * sizeof *s.cdf);
  s.p = malloc(experts * sizeof *s.p);
  s.cross = malloc(experts * sizeof *s.cross);
  s.scratch = malloc(experts * sizeof *s.scratch);
  if (!s.perm || !s.cdf || !s.p || !s.cross || !s.scratch) {
    rc = tb_fail(TB_ERR_NOMEM, "routing: cannot allocate sampling tables for %d experts", experts);
    goto out;
  }
  const size_t lk = (size_t)layers * k;
  for (int l = 0; l < layers; l++) {
    tb_rng ids_rng, w_rng;             /* separate streams: weights never shift the ids */
    tb_rng_seed(&ids_rng, stream_seed(p->seed, l, 1));
    tb_rng_seed(&w_rng, stream_seed(p->seed, l, 2));
    double zipf = p->zipf;
    if (p->zipf_spread > 0) {
      tb_rng spread_rng;
      tb_rng_seed(&spread_rng, stream_seed(p->seed, l, STREAM_SPREAD));
      zipf *= exp(p->zipf_spread * normal(&spread_rng));
    }
    sampler_layer(&s, &ids_rng, zipf, p->popularity ? p->popularity + (size_t)l * experts : NULL);
    tb_rng topic_rng, cross_rng;
    tb_rng_seed(&topic_rng, stream_seed(p->seed, l, STREAM_TOPIC));
    tb_rng_seed(&cross_rng, stream_seed(p->seed, l, STREAM_CROSS));
    int follow = l > 0 && p->cross_layer > 0;
    if (follow) {
      for (int i = 0; i < experts; i++) s.cross[i] = i;
      shuffle(&cross_rng, s.cross, experts);
    }
    int window = p->reuse_window > 1 ? p->reuse_window : 1;
    for (int t = 0; t < tokens; t++) {
      int32_t *row = r->ids + t * lk + (size_t)l * k;
      const int32_t *above = follow ? row - k : NULL;  /* layer l-1, same token (layer-major order) */
      if (p->topic_every > 0 && t > 0 && t % p->topic_every == 0 && p->topic_shift > 0)
        topic_shift(&s, &topic_rng, p->topic_shift);
      for (int j = 0; j < k; j++) {
        int32_t id = -1;
        if (above && tb_rng_uniform(&ids_rng) < p->cross_layer && !contains(row, j, s.cross[above[j]]))
          id = s.cross[above[j]];
        if (id < 0 && t > 0 && p->reuse > 0 && tb_rng_uniform(&ids_rng) < p->reuse) {
          int back = window > 1 ? 1 + below(&ids_rng, t < window ? t : window) : 1;
          id = draw_reuse(&ids_rng, row - back * lk, k, row, j);
        }
        row[j] = id >= 0 ? id : draw_popular(&s, &ids_rng, row, j);
      }
      draw_weights(&w_rng, r->weights + t * lk + (size_t)l * k, k);
    }
  }
  rc = tb_routing_fill_next_use(r);
out:
  free(s.perm); free(s.cdf); free(s.p); free(s.cross); free(s.scratch);
  if (rc) tb_routing_free(r);
  return rc;
}
