/* routing.c — what every routing source shares: allocating the tokens × layers × k arrays,
 * freeing them, and deriving the next-use table (for OPT and oracle prefetch) once. */
#include "routing.h"
#include "../cache/cache.h"
#include "../util/common.h"
#include <stdlib.h>
#include <string.h>

int tb_routing_alloc(tb_routing *r, int tokens, int layers, int experts, int k) {
  memset(r, 0, sizeof *r);
  if (tokens < 1 || layers < 1 || experts < 1 || k < 1 || k > experts)
    return tb_fail(TB_ERR_ARG, "routing: tokens=%d layers=%d experts=%d k=%d: need tokens, layers, "
                   "experts >= 1 and k in 1..experts", tokens, layers, experts, k);
  if ((double)tokens * layers * k > (double)(1ULL << 40))   /* 16 TiB of arrays: a typo, not a run */
    return tb_fail(TB_ERR_ARG, "routing: %d tokens x %d layers x k=%d is more than 2^40 requests",
                   tokens, layers, k);
  size_t n = (size_t)tokens * (size_t)layers * (size_t)k;
  r->ids = malloc(n * sizeof *r->ids);
  r->weights = malloc(n * sizeof *r->weights);
  r->next_use = malloc(n * sizeof *r->next_use);
  if (!r->ids || !r->weights || !r->next_use) {
    tb_routing_free(r);
    return tb_fail(TB_ERR_NOMEM, "routing: cannot allocate %zu bytes for %d tokens x %d layers x k=%d",
                   n * (sizeof *r->ids + sizeof *r->weights + sizeof *r->next_use), tokens, layers, k);
  }
  r->tokens = tokens;
  r->layers = layers;
  r->experts = experts;
  r->k = k;
  return TB_OK;
}

void tb_routing_free(tb_routing *r) {
  free(r->ids);
  free(r->weights);
  free(r->next_use);
  memset(r, 0, sizeof *r);
}

int tb_routing_fill_next_use(tb_routing *r) {
  /* seen[layer·experts + expert]: the earliest token after t that requests it, so far. */
  size_t keys = (size_t)r->layers * (size_t)r->experts;
  int64_t *seen = malloc(keys * sizeof *seen);
  if (!seen)
    return tb_fail(TB_ERR_NOMEM, "routing: cannot allocate the %zu-entry next-use table", keys);
  for (size_t i = 0; i < keys; i++) seen[i] = TB_NEXT_USE_NEVER;
  for (int t = r->tokens - 1; t >= 0; t--)
    for (int l = 0; l < r->layers; l++) {
      size_t row = ((size_t)t * r->layers + l) * r->k;
      for (int j = 0; j < r->k; j++) {
        int64_t *s = &seen[(size_t)l * r->experts + r->ids[row + j]];
        r->next_use[row + j] = *s;
        *s = t;
      }
    }
  free(seen);
  return TB_OK;
}
