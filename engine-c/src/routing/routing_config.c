/* routing_config.c — routing.* keys → tb_routing (routing_config.h). */
#include "routing_config.h"
#include "../util/common.h"
#include <stdlib.h>
#include <string.h>

int tb_routing_from_config(tb_routing *r, const tb_config *c, int tokens, int layers, int experts, int k) {
  memset(r, 0, sizeof *r);
  if (strcmp(c->routing_source, "trace") == 0)
    return tb_routing_load(r, c->routing_trace, tokens, layers, experts, k);
  if (strcmp(c->routing_source, "synthetic") != 0)
    return tb_fail(TB_ERR_ARG, "routing.source '%s': must be synthetic or trace", c->routing_source);
  double *popularity = NULL;
  if (c->routing_popularity[0]) {
    int rc = tb_popularity_load(c->routing_popularity, layers, experts, &popularity);
    if (rc) return rc;
  }
  tb_synth_params p = {
    .zipf = c->routing_zipf, .reuse = c->routing_reuse, .seed = (uint64_t)c->routing_seed,
    .zipf_spread = c->routing_zipf_spread, .reuse_window = c->routing_reuse_window,
    .topic_every = c->routing_topic_every, .topic_shift = c->routing_topic_shift,
    .cross_layer = c->routing_cross_layer, .popularity = popularity,
  };
  int rc = tb_routing_synthetic(r, tokens, layers, experts, k, &p);
  free(popularity);
  return rc;
}
