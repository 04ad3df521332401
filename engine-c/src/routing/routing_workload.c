/* routing_workload.c — the synthetic routing generator (routing_workload.h). Per layer, each of
 * the K slots of a token is, in this order of chances: a copy of the previous layer's slot
 * through a fixed map (cross_layer), a re-draw of an expert of one of the last reuse_window
 * tokens (reuse), or a draw from the layer's popularity over ranks; rank → expert is a per-layer
 * permutation that topic shifts partly reshuffle every topic_every tokens. */
#include "routing_workload.h"
#include "../cache/cache.h"
#include "../util/common.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TRIES 256   /* re-rolls of one slot before falling back to the first unused rank */

typedef struct {
  tb_rng rng;          /* this layer's own stream (prefix-stable across layer counts) */
  double *cdf;         /* [experts] cumulative popularity over ranks, last = 1 */
  int32_t *perm;       /* [experts] rank → expert id */
  int32_t *cross;      /* [experts] previous layer's expert → this layer's expert */
  int32_t *scratch;    /* [experts] topic-shift rank sample */
} layer_state;

static double normal(tb_rng *rng) {   /* Box–Muller, one value */
  double u = 1.0 - tb_rng_uniform(rng), v = tb_rng_uniform(rng);
  return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

static int below(tb_rng *rng, int n) { return (int)(tb_rng_uniform(rng) * n); }

static void shuffle(tb_rng *rng, int32_t *a, int n) {
  for (int i = n - 1; i > 0; i--) {
    int j = below(rng, i + 1);
    int32_t t = a[i]; a[i] = a[j]; a[j] = t;
  }
}

static int draw_rank(const layer_state *s, int experts, double u) {
  int lo = 0, hi = experts - 1;        /* first rank with cdf > u */
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (s->cdf[mid] > u) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/* Popularity weights over ranks → cdf. Zipf: rank r has weight (r+1)^-exponent and ranks map
 * to a random permutation of the ids; a profile gives weights per expert id (identity map). */
static void init_layer(layer_state *s, int l, int experts, const tb_synth_params *p) {
  uint64_t st = p->seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(l + 1));
  tb_rng_seed(&s->rng, tb_splitmix64(&st));
  for (int e = 0; e < experts; e++) s->perm[e] = s->cross[e] = e;
  double total = 0;
  if (p->popularity) {
    const double *w = p->popularity + (size_t)l * experts;
    for (int e = 0; e < experts; e++) s->cdf[e] = (total += w[e]);
  } else {
    double ex = p->zipf * (p->zipf_spread > 0 ? exp(p->zipf_spread * normal(&s->rng)) : 1.0);
    for (int r = 0; r < experts; r++) s->cdf[r] = (total += pow(r + 1.0, -ex));
    shuffle(&s->rng, s->perm, experts);
  }
  for (int e = 0; e < experts; e++) s->cdf[e] /= total;
  s->cdf[experts - 1] = 1.0;
  shuffle(&s->rng, s->cross, experts);
}

/* Reshuffle which experts hold a random `shift` fraction of the ranks: the hot set partly
 * changes, the shape of the popularity curve does not. */
static void topic_shift(layer_state *s, int experts, double shift) {
  int m = (int)lround(shift * experts);
  if (m < 2) return;
  for (int e = 0; e < experts; e++) s->scratch[e] = e;
  for (int i = 0; i < m; i++) {         /* partial Fisher–Yates: m distinct ranks */
    int j = i + below(&s->rng, experts - i);
    int32_t t = s->scratch[i]; s->scratch[i] = s->scratch[j]; s->scratch[j] = t;
  }
  for (int i = m - 1; i > 0; i--) {     /* shuffle the experts among those ranks */
    int j = below(&s->rng, i + 1);
    int32_t a = s->scratch[i], b = s->scratch[j];
    int32_t t = s->perm[a]; s->perm[a] = s->perm[b]; s->perm[b] = t;
  }
}

static int contains(const int32_t *set, int n, int32_t e) {
  for (int i = 0; i < n; i++) if (set[i] == e) return 1;
  return 0;
}

/* One slot's candidate, by the chances described at the top of the file. */
static int32_t candidate(layer_state *s, const tb_routing *r, int t, int l, int slot,
                         const tb_synth_params *p, int window) {
  int k = r->k;
  if (l > 0 && p->cross_layer > 0 && tb_rng_uniform(&s->rng) < p->cross_layer)
    return s->cross[r->ids[((size_t)t * r->layers + l - 1) * k + slot]];
  if (t > 0 && p->reuse > 0 && tb_rng_uniform(&s->rng) < p->reuse) {
    int back = 1 + below(&s->rng, t < window ? t : window);
    return r->ids[((size_t)(t - back) * r->layers + l) * k + below(&s->rng, k)];
  }
  return s->perm[draw_rank(s, r->experts, tb_rng_uniform(&s->rng))];
}

/* Gate weights: exponential draws, normalised, in descending order (routing order). */
static void gate_weights(tb_rng *rng, float *w, int k) {
  double sum = 0, g[k];
  for (int j = 0; j < k; j++) sum += (g[j] = -log(1.0 - tb_rng_uniform(rng)) + 1e-6);
  for (int j = 0; j < k; j++)
    for (int i = j + 1; i < k; i++)
      if (g[i] > g[j]) { double t = g[i]; g[i] = g[j]; g[j] = t; }
  for (int j = 0; j < k; j++) w[j] = (float)(g[j] / sum);
}

static int check_params(int tokens, int layers, int experts, int k, const tb_synth_params *p) {
  if (tokens < 1 || layers < 1 || experts < 1 || k < 1 || k > experts)
    return tb_fail(TB_ERR_ARG, "routing: need tokens, layers, experts >= 1 and k in 1..experts "
                   "(got tokens=%d layers=%d experts=%d k=%d)", tokens, layers, experts, k);
  if (!(p->zipf >= 0) || !(p->zipf_spread >= 0))
    return tb_fail(TB_ERR_ARG, "routing.zipf=%g and routing.zipf_spread=%g must be >= 0",
                   p->zipf, p->zipf_spread);
  const struct { const char *key; double v; } unit[] = {
    { "routing.reuse", p->reuse }, { "routing.topic_shift", p->topic_shift },
    { "routing.cross_layer", p->cross_layer } };
  for (int i = 0; i < TB_ARRAY_LEN(unit); i++)
    if (!(unit[i].v >= 0 && unit[i].v <= 1))
      return tb_fail(TB_ERR_ARG, "%s=%g must be in [0, 1]", unit[i].key, unit[i].v);
  if (p->reuse_window < 0 || p->topic_every < 0)
    return tb_fail(TB_ERR_ARG, "routing.reuse_window=%d and routing.topic_every=%d must be >= 0",
                   p->reuse_window, p->topic_every);
  return TB_OK;
}

void tb_routing_fill_next_use(tb_routing *r) {
  size_t n = (size_t)r->tokens * r->layers * r->k;
  int64_t *last = malloc((size_t)r->layers * r->experts * sizeof *last);   /* index of the
                                                                              latest request */
  for (size_t i = 0; i < (size_t)r->layers * r->experts; i++) last[i] = -1;
  for (size_t i = n; i-- > 0;) {        /* backwards: the next request is already seen */
    int l = (int)(i / r->k % r->layers);
    int64_t *slot = &last[(size_t)l * r->experts + r->ids[i]];
    r->next_use[i] = *slot < 0 ? TB_NEXT_USE_NEVER : *slot;
    *slot = (int64_t)(i / ((size_t)r->k * r->layers));
  }
  free(last);
}

int tb_routing_workload(tb_routing *r, int tokens, int layers, int experts, int k,
                        const tb_synth_params *p) {
  memset(r, 0, sizeof *r);
  int rc = check_params(tokens, layers, experts, k, p);
  if (rc) return rc;
  size_t n = (size_t)tokens * layers * k;
  r->tokens = tokens; r->layers = layers; r->experts = experts; r->k = k;
  r->ids = malloc(n * sizeof *r->ids);
  r->weights = malloc(n * sizeof *r->weights);
  r->next_use = malloc(n * sizeof *r->next_use);
  layer_state *ls = calloc((size_t)layers, sizeof *ls);
  int32_t *ints = malloc((size_t)layers * experts * 3 * sizeof *ints);
  double *cdfs = malloc((size_t)layers * experts * sizeof *cdfs);
  if (!r->ids || !r->weights || !r->next_use || !ls || !ints || !cdfs) {
    free(ls); free(ints); free(cdfs);
    free(r->ids); free(r->weights); free(r->next_use);
    memset(r, 0, sizeof *r);
    return tb_fail(TB_ERR_NOMEM, "routing: out of memory for %d tokens x %d layers x %d",
                   tokens, layers, k);
  }
  for (int l = 0; l < layers; l++) {
    layer_state *s = &ls[l];
    s->cdf = cdfs + (size_t)l * experts;
    s->perm = ints + (size_t)l * experts * 3;
    s->cross = s->perm + experts;
    s->scratch = s->cross + experts;
    init_layer(s, l, experts, p);
  }
  int window = p->reuse_window > 1 ? p->reuse_window : 1;
  for (int t = 0; t < tokens; t++) {     /* token-major: a layer may follow the one before */
    for (int l = 0; l < layers; l++) {
      layer_state *s = &ls[l];
      if (p->topic_every > 0 && t > 0 && t % p->topic_every == 0)
        topic_shift(s, experts, p->topic_shift);
      int32_t *set = &r->ids[((size_t)t * layers + l) * k];
      for (int j = 0; j < k; j++) {
        int32_t e = -1;
        for (int tries = 0; tries < MAX_TRIES && e < 0; tries++) {
          int32_t c = candidate(s, r, t, l, j, p, window);
          if (!contains(set, j, c)) e = c;
        }
        for (int rank = 0; e < 0; rank++)   /* rare: a tiny or degenerate popularity */
          if (!contains(set, j, s->perm[rank])) e = s->perm[rank];
        set[j] = e;
      }
      gate_weights(&s->rng, &r->weights[((size_t)t * layers + l) * k], k);
    }
  }
  free(ls); free(ints); free(cdfs);
  tb_routing_fill_next_use(r);
  return TB_OK;
}
