/* sim_extras.c — prefetch and pins in a simulator cell (sim_extras.h): the same driver and pin
 * code as the engine, the same page-cache warm judging, the same counts. */
#include "sim_extras.h"
#include "../util/common.h"
#include <stdlib.h>
#include <string.h>

int tb_sim_extras_open(tb_sim_extras *x, const tb_sim_setup *s, const tb_sim_cell *cell) {
  memset(x, 0, sizeof *x);
  const tb_routing *rt = s->routing;
  size_t keys = (size_t)rt->layers * (size_t)rt->experts;
  const tb_predictor_ops *ops = s->predictor;
  if (cell->predictor) {
    if (ops && ops != cell->predictor && strcmp(ops->name, "none") != 0)
      return tb_fail(TB_ERR_ARG, "sim: cell %s implies prefetch.predictor=%s, the setup asks for %s",
                     cell->policy->name, cell->predictor->name, ops->name);
    ops = cell->predictor;
  }
  if (ops && strcmp(ops->name, "none") != 0 && s->prefetch_depth > 0) {
    tb_prefetcher_params p = { .depth = s->prefetch_depth, .per_layer = s->per_layer,
                               .next_use = cell->policy->needs_future };
    int rc = tb_prefetcher_create(&x->pf, ops, &s->prefetch_env, &p, rt);
    if (rc < 0) return rc;
    if (!(x->issues = malloc((size_t)tb_prefetcher_max_issues(x->pf) * sizeof *x->issues)) ||
        !(x->warm = calloc(keys, 1)))
      return tb_fail(TB_ERR_NOMEM, "sim: out of memory for prefetch tables");
  }
  if (s->pin_top_n > 0) {
    if ((s->pin_window > 0 && !(x->pin_weight = calloc(keys, sizeof *x->pin_weight))) ||
        !(x->pin_order = malloc(keys * sizeof *x->pin_order)) ||
        !(x->pin_keys = malloc(keys * sizeof *x->pin_keys)) ||
        !(x->pin_fills = malloc(keys * sizeof *x->pin_fills)))
      return tb_fail(TB_ERR_NOMEM, "sim: out of memory for pin tables");
  }
  return TB_OK;
}

void tb_sim_extras_free(tb_sim_extras *x) {
  tb_prefetcher_destroy(x->pf);
  free(x->issues);
  free(x->warm);
  free(x->pin_weight);
  free(x->pin_order);
  free(x->pin_keys);
  free(x->pin_fills);
  memset(x, 0, sizeof *x);
}

int tb_sim_extras_pins(tb_sim_extras *x, const tb_sim_setup *s, tb_cache **caches, int n, int64_t t) {
  if (s->pin_top_n <= 0 || t != (s->pin_window > 0 ? s->pin_window : 0)) return TB_OK;
  const tb_routing *rt = s->routing;
  const double *w = s->pin_window > 0 ? x->pin_weight : s->pin_profile;
  if (!w) return tb_fail(TB_ERR_ARG, "sim: pins need a profile or a window");
  int m = tb_pin_choose(w, rt->layers, rt->experts, s->per_layer, s->pin_top_n, x->pin_order, x->pin_keys);
  int fills = tb_pin_place(caches, n, s->per_layer, rt->experts, x->pin_keys, m, x->pin_fills);
  if (fills < 0) return fills;
  for (int i = 0; i < fills; i++) caches[x->pin_fills[i].cache]->slots[x->pin_fills[i].slot].state = TB_SLOT_READY;
  return fills;
}

void tb_sim_extras_judge(tb_sim_extras *x, const tb_sim_setup *s, const tb_pcmodel *pc, int layer, int expert) {
  uint8_t *w = x->warm ? &x->warm[layer * s->routing->experts + expert] : NULL;
  if (!w || !*w) return;
  *w = 0;
  x->warm_pending--;
  if (pc && tb_pcmodel_resident(pc, layer, expert) == s->record_bytes) x->warm_useful++;
  else x->warm_wasted++;
}

int tb_sim_extras_prefetch(tb_sim_extras *x, tb_cache **caches, int64_t t, int layer) {
  if (!x->pf) return 0;
  int n = tb_prefetcher_step(x->pf, caches, t, layer, x->issues), m = 0;
  for (int i = 0; i < n; i++) {
    tb_prefetch_issue *is = &x->issues[i];
    if (is->cache >= 0) {
      caches[is->cache]->slots[is->slot].state = TB_SLOT_READY;   /* deterministic: in before the next lookup */
    } else if (x->warm[is->key]) {
      x->warm_dups++;            /* already being warmed: the engine skips it too */
      continue;
    } else {
      x->warm[is->key] = 1;
      x->warm_pending++;
    }
    x->issues[m++] = *is;
  }
  return m;
}

void tb_sim_extras_totals(const tb_sim_extras *x, tb_cache **caches, int n, tb_sim_cell *out) {
  tb_prefetch_counts pc = { 0 };
  if (x->pf) tb_prefetcher_counts(x->pf, &pc);
  int64_t used = 0, unused = 0, pinned = 0;
  for (int i = 0; i < n; i++) {
    used += caches[i]->prefetch_used;
    unused += caches[i]->prefetch_evicted_unused + tb_cache_prefetched_unused(caches[i]);
    pinned += caches[i]->pinned_slots;
  }
  out->prefetch_predictions = pc.predictions;
  out->prefetch_resident = pc.resident + x->warm_dups;
  out->prefetch_dropped = pc.dropped;
  out->prefetch_issued = pc.issued - x->warm_dups;
  out->prefetch_useful = used + x->warm_useful;
  out->prefetch_wasted = unused + x->warm_wasted + x->warm_pending;
  out->pinned = pinned;
}

void tb_sim_extras_finish(const tb_sim_extras *x, tb_cache **caches, int n, tb_sim_cell *cell) {
  tb_sim_cell end;
  tb_sim_extras_totals(x, caches, n, &end);
  const tb_sim_cell *b = &x->at_warmup;
  cell->prefetch_predictions = end.prefetch_predictions - b->prefetch_predictions;
  cell->prefetch_resident = end.prefetch_resident - b->prefetch_resident;
  cell->prefetch_dropped = end.prefetch_dropped - b->prefetch_dropped;
  cell->prefetch_issued = end.prefetch_issued - b->prefetch_issued;
  cell->prefetch_useful = end.prefetch_useful - b->prefetch_useful;
  cell->prefetch_wasted = end.prefetch_wasted - b->prefetch_wasted;
  cell->pinned = end.pinned;
}
