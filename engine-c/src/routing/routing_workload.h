/* routing_workload.h — the engine's synthetic routing source: per-layer popularity (Zipf or a
 * measured profile), reuse of recent experts, topic shifts and optional cross-layer correlation,
 * calibrated against published cache hit rates (harness/workload/calibrate.ts). */
#ifndef TB_ROUTING_WORKLOAD_H
#define TB_ROUTING_WORKLOAD_H

#include "routing.h"

/* Materialise tokens × layers × k routing from p into r (ids, weights, next_use allocated here,
 * released by tb_routing_free). Deterministic in p->seed. Each layer draws from its own random
 * stream, so the first L layers are the same whatever the number of layers generated. */
int tb_routing_workload(tb_routing *r, int tokens, int layers, int experts, int k,
                        const tb_synth_params *p);

/* Fill r->next_use from r->ids: for each request, the token of the next request of the same
 * (layer, expert), TB_NEXT_USE_NEVER when there is none. */
void tb_routing_fill_next_use(tb_routing *r);

/* Popularity file: text, '#' comments, then one line per layer of `experts` non-negative
 * weights (relative; each line must have a positive sum). The file must have exactly `layers`
 * lines; a mismatch names file:line and what was expected. *out is malloc'd [layers][experts]. */
int tb_popularity_load(const char *path, int layers, int experts, double **out);

#endif
