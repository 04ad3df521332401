/* prefetcher.c — the prefetch driver shared by engine and simulator: which positions to predict
 * (each once, up to prefetch.depth ahead), offering each prediction to the cache of its layer,
 * and the counters of what became of the predictions. Pure bookkeeping: the engine turns the
 * issues it returns into reads; the simulator needs nothing more. */
#include "prefetch.h"
#include "../util/common.h"
#include <stdlib.h>

struct tb_prefetcher {
  const tb_predictor_ops *ops;
  void *state;
  const tb_routing *rt;
  int depth, per_layer, k, layers, experts;
  int64_t positions;       /* tokens · layers */
  int64_t next_target;     /* first position not predicted yet */
  int32_t *pred;           /* [k] one position's predictions */
  /* Next use of prefetched keys, only when the policy needs it (OPT): */
  int64_t *last_row;       /* [keys] routing entry of the key's latest released request, -1 */
  int64_t *first_use;      /* [keys] token of the key's first request, TB_NEXT_USE_NEVER */
  tb_prefetch_counts n;
};

const int32_t *tb_prefetch_released(const tb_prefetch_view *v, int64_t token, int layer) {
  const tb_routing *rt = v->routing;
  int64_t pos = token * rt->layers + layer;
  if (token < 0 || layer < 0 || layer >= rt->layers || token >= rt->tokens || pos > v->now) return NULL;
  return rt->ids + pos * rt->k;
}

const int32_t *tb_prefetch_future(const tb_prefetch_view *v, int64_t token, int layer) {
  const tb_routing *rt = v->routing;
  if (!v->future || token < 0 || layer < 0 || layer >= rt->layers || token >= rt->tokens) return NULL;
  return rt->ids + (token * rt->layers + layer) * rt->k;
}

void tb_prefetcher_destroy(tb_prefetcher *p) {
  if (!p) return;
  if (p->ops && p->ops->destroy) p->ops->destroy(p->state);
  free(p->pred);
  free(p->last_row);
  free(p->first_use);
  free(p);
}

static int init_next_use(tb_prefetcher *p) {
  size_t keys = (size_t)p->layers * (size_t)p->experts;
  p->last_row = malloc(keys * sizeof *p->last_row);
  p->first_use = malloc(keys * sizeof *p->first_use);
  if (!p->last_row || !p->first_use)
    return tb_fail(TB_ERR_NOMEM, "prefetch: cannot allocate next-use tables for %zu experts", keys);
  for (size_t i = 0; i < keys; i++) { p->last_row[i] = -1; p->first_use[i] = TB_NEXT_USE_NEVER; }
  const tb_routing *rt = p->rt;
  for (int64_t t = rt->tokens - 1; t >= 0; t--)     /* backwards: the earliest token wins */
    for (int l = 0; l < rt->layers; l++)
      for (int j = 0; j < rt->k; j++)
        p->first_use[(size_t)l * p->experts + rt->ids[(t * rt->layers + l) * rt->k + j]] = t;
  return TB_OK;
}

int tb_prefetcher_create(tb_prefetcher **out, const tb_predictor_ops *ops, const tb_prefetch_env *env,
                         const tb_prefetcher_params *prm, const tb_routing *rt) {
  *out = NULL;
  if (!ops) return tb_fail(TB_ERR_ARG, "prefetch: no predictor");
  if (prm->depth < 1) return tb_fail(TB_ERR_ARG, "prefetch.depth %d: a prefetcher needs depth >= 1", prm->depth);
  tb_prefetcher *p = calloc(1, sizeof *p);
  if (!p) return tb_fail(TB_ERR_NOMEM, "prefetch: out of memory");
  p->rt = rt;
  p->depth = prm->depth;
  p->per_layer = prm->per_layer;
  p->k = rt->k;
  p->layers = rt->layers;
  p->experts = rt->experts;
  p->positions = (int64_t)rt->tokens * rt->layers;
  p->next_target = 1;      /* position 0 has nothing before it to predict from */
  int rc = TB_OK;
  if (!(p->pred = malloc((size_t)p->k * sizeof *p->pred)))
    rc = tb_fail(TB_ERR_NOMEM, "prefetch: out of memory");
  if (rc == TB_OK && prm->next_use) rc = init_next_use(p);
  if (rc == TB_OK && ops->create) rc = ops->create(&p->state, env);
  if (rc < 0) { tb_prefetcher_destroy(p); return rc; }
  p->ops = ops;
  *out = p;
  return TB_OK;
}

int tb_prefetcher_max_issues(const tb_prefetcher *p) { return p->depth * p->k; }

void tb_prefetcher_counts(const tb_prefetcher *p, tb_prefetch_counts *out) { *out = p->n; }

/* Token of the first request of `key` (layer, expert) at or after token `from`, from the key's
 * latest released request forward. The walk covers only requests released after the prediction
 * (at most depth positions), so it is short. */
static int64_t next_use_from(const tb_prefetcher *p, int layer, int expert, int64_t from) {
  const tb_routing *rt = p->rt;
  size_t key = (size_t)layer * p->experts + expert;
  int64_t t = p->last_row[key] >= 0 ? rt->next_use[p->last_row[key]] : p->first_use[key];
  while (t != TB_NEXT_USE_NEVER && t < from) {
    int64_t row = (t * rt->layers + layer) * rt->k;
    int j = 0;
    while (j < rt->k - 1 && rt->ids[row + j] != expert) j++;
    t = rt->next_use[row + j];
  }
  return t;
}

static void offer(tb_prefetcher *p, tb_cache *c, int cache_index, int64_t token, int layer, int expert,
                  tb_prefetch_issue *out, int *n) {
  int32_t key = layer * p->experts + expert;
  p->n.predictions++;
  if (c->capacity == 0) {      /* no application cache: the prediction warms the page cache */
    out[(*n)++] = (tb_prefetch_issue){ layer, expert, key, -1, -1 };
    p->n.issued++;
    return;
  }
  tb_req r = { .layer = layer, .expert = expert, .key = key, .token = token, .prefetch = 1,
               .next_use = p->last_row ? next_use_from(p, layer, expert, token) : TB_NEXT_USE_UNKNOWN };
  int slot;
  int rc = tb_cache_prefetch(c, &r, &slot);
  if (rc == TB_CACHE_HIT) { p->n.resident++; return; }
  if (rc != TB_CACHE_MISS_FILL) { p->n.dropped++; return; }
  out[(*n)++] = (tb_prefetch_issue){ layer, expert, key, cache_index, slot };
  p->n.issued++;
}

int tb_prefetcher_step(tb_prefetcher *p, tb_cache *const *caches, int64_t token, int layer,
                       tb_prefetch_issue *out) {
  const tb_routing *rt = p->rt;
  int64_t now = token * p->layers + layer;
  if (p->last_row)
    for (int j = 0; j < p->k; j++) {
      int64_t row = now * p->k + j;
      p->last_row[(size_t)layer * p->experts + rt->ids[row]] = row;
    }
  tb_prefetch_view v = { .routing = rt, .now = now, .future = p->ops->needs_future };
  int64_t last = now + p->depth < p->positions ? now + p->depth : p->positions - 1;
  int n = 0;
  for (int64_t q = p->next_target > now ? p->next_target : now + 1; q <= last; q++) {
    int64_t t = q / p->layers;
    int l = (int)(q % p->layers);
    int ci = p->per_layer ? l : 0;
    int m = p->ops->predict(p->state, &v, t, l, p->pred, p->k);
    for (int i = 0; i < m; i++) offer(p, caches[ci], ci, t, l, p->pred[i], out, &n);
  }
  if (last >= p->next_target) p->next_target = last + 1;
  return n;
}
