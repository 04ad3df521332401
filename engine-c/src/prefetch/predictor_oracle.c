/* predictor_oracle.c — the true experts of the target layer, read from the materialised routing
 * before it is released: an upper bound on what any predictor can do at this depth, not a
 * method a real engine could use. */
#include "prefetch.h"
#include <string.h>

static int oracle_predict(void *st, const tb_prefetch_view *v, int64_t token, int layer, int32_t *out, int max) {
  const int32_t *ids = tb_prefetch_future(v, token, layer);
  if (!ids) return 0;
  int k = v->routing->k < max ? v->routing->k : max;
  memcpy(out, ids, (size_t)k * sizeof *out);
  return k;
}

const tb_predictor_ops tb_predictor_oracle = {
  .name = "oracle",
  .help = "Oracle: the true experts of the layer prefetch.depth layers ahead, from the routing "
          "before it is released. An upper bound for prefetch at that depth, not a method.",
  .needs_future = 1,
  .predict = oracle_predict,
};
