/* sim_extras.h — what a simulator cell adds to the demand replay when it prefetches or pins:
 * the shared prefetch driver and pin code (prefetch/, cache/pin.h), driven at the points where
 * the engine's token loop drives them, and their counts in the engine's terms. Internal to sim/. */
#ifndef TB_SIM_EXTRAS_H
#define TB_SIM_EXTRAS_H

#include "sim.h"
#include "../cache/pin.h"

typedef struct {
  tb_prefetcher *pf;       /* NULL: no prefetch */
  tb_prefetch_issue *issues;   /* [max issues] the current step's */
  uint8_t *warm;           /* [layers·experts] 1: a page-cache warm not judged by a demand yet */
  double *pin_weight;      /* [layers·experts] requests in the pin window */
  int32_t *pin_order, *pin_keys;   /* [layers·experts] */
  tb_pin_fill *pin_fills;  /* [layers·experts] */
  int64_t warm_dups, warm_useful, warm_wasted, warm_pending;
  tb_sim_cell at_warmup;   /* prefetch totals at the warm-up boundary (subtracted at the end) */
} tb_sim_extras;

/* The cell's predictor (its alias's, else the setup's; two different ones are an error), its
 * driver, and the pin tables. */
int tb_sim_extras_open(tb_sim_extras *x, const tb_sim_setup *s, const tb_sim_cell *cell);
void tb_sim_extras_free(tb_sim_extras *x);
/* Before token t: places the pins when they are due (t = 0 from a profile, t = pin.window
 * from the window's requests), as the engine does between tokens. Returns how many took a new
 * slot (x->pin_fills: their records are read), or an error. */
int tb_sim_extras_pins(tb_sim_extras *x, const tb_sim_setup *s, tb_cache **caches, int n, int64_t t);
/* A demand request of `key` at token t: the pin window counts it. */
static inline void tb_sim_extras_request(tb_sim_extras *x, const tb_sim_setup *s, int64_t t, int32_t key) {
  if (x->pin_weight && t < s->pin_window) x->pin_weight[key] += 1;
}
/* A demand read of `key` about to happen: a pending warm is useful when the record is wholly
 * resident in the page-cache model (no model: nothing stays warm). */
void tb_sim_extras_judge(tb_sim_extras *x, const tb_sim_setup *s, const tb_pcmodel *pc, int layer, int expert);
/* The prefetch step after the lookups of (t, layer): the issues that need a read, in x->issues
 * (a warm already pending is skipped and counted resident). */
int tb_sim_extras_prefetch(tb_sim_extras *x, tb_cache **caches, int64_t t, int layer);
/* Prefetch counts so far (the prefetch_* fields of out), and the cell's at the end: totals
 * less those at the warm-up boundary. */
void tb_sim_extras_totals(const tb_sim_extras *x, tb_cache **caches, int n, tb_sim_cell *out);
void tb_sim_extras_finish(const tb_sim_extras *x, tb_cache **caches, int n, tb_sim_cell *cell);

#endif
