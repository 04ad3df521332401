/* routing_synth.c — the seeded synthetic routing source: per layer, a Zipf popularity over a
 * random permutation of the experts, mixed with temporal reuse of the previous token's
 * experts; K distinct experts per (token, layer) and positive gate weights summing to 1.
 * Each layer has its own random streams, so a layer's routing does not depend on how many
 * layers or tokens are generated (the first T tokens of L layers are a prefix of any larger run). */
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
} sampler;

static uint64_t stream_seed(uint64_t seed, int layer, uint64_t stream) {
  uint64_t s = seed ^ (stream * 0xd1b54a32d192ed03ULL) ^ ((uint64_t)(layer + 1) * 0x9e3779b97f4a7c15ULL);
  return tb_splitmix64(&s);
}

static int below(tb_rng *rng, int n) { return (int)(tb_rng_uniform(rng) * n); }  /* [0, n) */

static void sampler_layer(sampler *s, tb_rng *rng, double zipf) {
  for (int i = 0; i < s->experts; i++) s->perm[i] = i;
  for (int i = s->experts - 1; i > 0; i--) {            /* Fisher–Yates */
    int j = below(rng, i + 1);
    int32_t t = s->perm[i]; s->perm[i] = s->perm[j]; s->perm[j] = t;
  }
  double acc = 0;
  for (int i = 0; i < s->experts; i++) {
    s->p[i] = pow(i + 1.0, -zipf);
    acc += s->p[i];
    s->cdf[i] = acc;
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
  int rc = tb_routing_alloc(r, tokens, layers, experts, k);
  if (rc) return rc;
  sampler s = { .experts = experts };
  s.perm = malloc(experts * sizeof *s.perm);
  s.cdf = malloc(experts * sizeof *s.cdf);
  s.p = malloc(experts * sizeof *s.p);
  if (!s.perm || !s.cdf || !s.p) {
    rc = tb_fail(TB_ERR_NOMEM, "routing: cannot allocate sampling tables for %d experts", experts);
    goto out;
  }
  const size_t lk = (size_t)layers * k;
  for (int l = 0; l < layers; l++) {
    tb_rng ids_rng, w_rng;             /* separate streams: weights never shift the ids */
    tb_rng_seed(&ids_rng, stream_seed(p->seed, l, 1));
    tb_rng_seed(&w_rng, stream_seed(p->seed, l, 2));
    sampler_layer(&s, &ids_rng, p->zipf);
    for (int t = 0; t < tokens; t++) {
      int32_t *row = r->ids + t * lk + (size_t)l * k;
      const int32_t *prev = t > 0 ? row - lk : NULL;
      for (int j = 0; j < k; j++) {
        int32_t id = -1;
        if (prev && p->reuse > 0 && tb_rng_uniform(&ids_rng) < p->reuse)
          id = draw_reuse(&ids_rng, prev, k, row, j);
        row[j] = id >= 0 ? id : draw_popular(&s, &ids_rng, row, j);
      }
      draw_weights(&w_rng, r->weights + t * lk + (size_t)l * k, k);
    }
  }
  rc = tb_routing_fill_next_use(r);
out:
  free(s.perm); free(s.cdf); free(s.p);
  if (rc) tb_routing_free(r);
  return rc;
}
