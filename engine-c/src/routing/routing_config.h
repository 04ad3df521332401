/* routing_config.h — the one path from the routing.* keys of a configuration to materialised
 * routing, shared by a run's open and by tb_routing_write, so a run, its recording and
 * `trace stats` on a synthetic workload all see the same routing. */
#ifndef TB_ROUTING_CONFIG_H
#define TB_ROUTING_CONFIG_H

#include "routing.h"
#include "../api/config.h"

/* tokens × layers × k routing for a model with `experts` experts per layer: the synthetic source
 * with every routing.* parameter (routing.popularity read here), or routing.trace loaded. */
int tb_routing_from_config(tb_routing *r, const tb_config *c, int tokens, int layers, int experts, int k);

#endif
