/* predictor_temporal.c — temporal locality: a layer will want the experts it wanted for the
 * previous token (the "prefetch" of the brief; consecutive tokens share many experts). Reads
 * only released routing: with prefetch.depth beyond one token it uses the latest token of that
 * layer already released. */
#include "prefetch.h"
#include <string.h>

static int temporal_predict(void *st, const tb_prefetch_view *v, int64_t token, int layer, int32_t *out, int max) {
  for (int64_t t = token - 1; t >= 0; t--) {
    const int32_t *ids = tb_prefetch_released(v, t, layer);
    if (!ids) continue;    /* that token's layer is not released yet: look one token further back */
    int k = v->routing->k < max ? v->routing->k : max;
    memcpy(out, ids, (size_t)k * sizeof *out);
    return k;
  }
  return 0;                /* the first token: no history */
}

const tb_predictor_ops tb_predictor_temporal = {
  .name = "temporal",
  .help = "Temporal: each layer's experts of the previous token, read prefetch.depth layers "
          "ahead (the brief's \"prefetch\"; what an engine can predict without the router).",
  .predict = temporal_predict,
};
