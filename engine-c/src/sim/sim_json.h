/* sim_json.h — the simulator's results as JSON, the form they cross the ABI in (tb_sim_result_json). */
#ifndef TB_SIM_JSON_H
#define TB_SIM_JSON_H

#include "sim.h"
#include "../util/json.h"

/* Names of the setup's enums, as the engine keys spell them. */
const char *tb_sim_direct_name(int direct);       /* io.direct: off | on | first-touch */
const char *tb_sim_pagecache_name(int kind);      /* off | lru | 2q */

/* {"layers","experts","k","tokens","warmup","record_bytes","scope","direct","pagecache":{…},
 *  "cells":[{"policy","entries","capacity","requests","hits","misses",…,"layer_hits":[…]}]}.
 * Bytes are whole numbers; layer arrays appear when the cells carry them. */
void tb_sim_json(tb_jw *w, const tb_sim_setup *s, const tb_sim_cell *cells, int n);

#endif
