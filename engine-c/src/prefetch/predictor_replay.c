/* predictor_replay.c — predictions read from a file: prefetch.trace holds, in the routing trace
 * format, the experts predicted for every (token, layer). It evaluates a predictor computed
 * elsewhere (a learned router lookahead, say) without writing C, and makes controls exact: the
 * routing itself replays the oracle, experts never routed make a predictor always wrong. */
#include "prefetch.h"
#include "../util/common.h"
#include <stdlib.h>
#include <string.h>

static int replay_create(void **state, const tb_prefetch_env *env) {
  if (!env->trace || !env->trace[0])
    return tb_fail(TB_ERR_ARG, "prefetch.predictor=replay reads its predictions from prefetch.trace, "
                   "which is not set");
  tb_routing *p = calloc(1, sizeof *p);
  if (!p) return tb_fail(TB_ERR_NOMEM, "prefetch: out of memory");
  int rc = tb_routing_load(p, env->trace, env->tokens, env->layers, env->experts, env->k);
  if (rc < 0) { free(p); return rc; }
  *state = p;
  return TB_OK;
}

static void replay_destroy(void *state) {
  if (!state) return;
  tb_routing_free(state);
  free(state);
}

static int replay_predict(void *st, const tb_prefetch_view *v, int64_t token, int layer, int32_t *out, int max) {
  const tb_routing *p = st;
  int k = p->k < max ? p->k : max;
  memcpy(out, p->ids + (token * p->layers + layer) * p->k, (size_t)k * sizeof *out);
  return k;
}

const tb_predictor_ops tb_predictor_replay = {
  .name = "replay",
  .help = "Replay: the experts named for each (token, layer) by prefetch.trace, a file in the "
          "routing trace format with the run's geometry and k. Evaluates a predictor computed "
          "elsewhere; the routing itself replays the oracle.",
  .needs_trace = 1,
  .create = replay_create,
  .destroy = replay_destroy,
  .predict = replay_predict,
};
