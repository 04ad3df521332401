/* pin_select.c — which experts to pin (top N by weight) and placing them in the caches; the
 * same code for the engine and the simulator, so both pin the same keys into the same slots. */
#include "pin.h"
#include "../util/common.h"
#include <stdlib.h>

static const double *sort_weight;   /* qsort has no context argument; pins are chosen on one thread */

static int by_weight(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  double wx = sort_weight[x], wy = sort_weight[y];
  if (wx != wy) return wx > wy ? -1 : 1;
  return x < y ? -1 : x > y;
}

static int top(const double *weight, int32_t first, int count, int n, int32_t *order, int32_t *out) {
  for (int i = 0; i < count; i++) order[i] = first + i;
  sort_weight = weight;
  qsort(order, (size_t)count, sizeof *order, by_weight);
  int m = 0;
  while (m < n && m < count && weight[order[m]] > 0) { out[m] = order[m]; m++; }
  return m;
}

int tb_pin_choose(const double *weight, int layers, int experts, int per_layer, int n,
                  int32_t *order, int32_t *out) {
  if (!per_layer) return top(weight, 0, layers * experts, n, order, out);
  int m = 0;
  for (int l = 0; l < layers; l++) m += top(weight, l * experts, experts, n, order, out + m);
  return m;
}

int tb_pin_place(tb_cache *const *caches, int n_caches, int per_layer, int experts,
                 const int32_t *keys, int n, tb_pin_fill *fills) {
  for (int i = 0; i < n_caches; i++) tb_cache_end_batch(caches[i]);
  int nf = 0;
  for (int i = 0; i < n; i++) {
    int layer = keys[i] / experts, ci = per_layer ? layer : 0;
    tb_req r = { .layer = layer, .expert = keys[i] % experts, .key = keys[i], .token = -1,
                 .next_use = TB_NEXT_USE_UNKNOWN };
    int slot;
    int rc = tb_cache_pin(caches[ci], &r, &slot);
    if (rc < 0) return rc;
    if (rc == TB_CACHE_MISS_FILL) fills[nf++] = (tb_pin_fill){ keys[i], ci, slot };
  }
  return nf;               /* pinned slots are never victims, so no batch needs to hold them */
}
