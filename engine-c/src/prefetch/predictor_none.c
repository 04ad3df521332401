/* predictor_none.c — no prefetch: nothing is predicted, experts are read on demand only. The
 * engine creates no prefetcher for it at all, so a run without prefetch pays nothing for it. */
#include "prefetch.h"

static int none_predict(void *st, const tb_prefetch_view *v, int64_t token, int layer, int32_t *out, int max) {
  return 0;
}

const tb_predictor_ops tb_predictor_none = {
  .name = "none",
  .help = "No prefetch: experts are read on demand only.",
  .predict = none_predict,
};
