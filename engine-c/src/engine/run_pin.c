/* run_pin.c — pinned experts in a run: chosen from pin.file at open, or from the requests of the
 * first pin.window tokens once they have run; placed by the shared pin code (cache/pin.h) and
 * their bytes loaded here, synchronously and outside any token's time (pin_load_s). */
#include "run_internal.h"
#include <stdlib.h>
#include <string.h>

/* Read the bytes of every pin that took a new slot, with the descriptor io.direct asks for. */
static int load_fills(tb_run *r, int n) {
  int64_t size = r->model.rec.size;
  for (int i = 0; i < n; i++) {
    const tb_pin_fill *p = &r->pin_fills[i];
    int layer = p->key / r->experts, expert = p->key % r->experts;
    tb_slot *s = &r->cache[p->cache]->slots[p->slot];
    int direct = tb_run_use_direct(r, layer, expert);
    int fd = direct ? r->model.layer_fd_direct[layer] : r->model.layer_fd[layer];
    int rc = r->moves_bytes ? tb_pread_full(fd, s->data, size, (int64_t)expert * size, r->paths[layer])
                            : TB_OK;
    if (rc < 0) return rc;
    s->state = TB_SLOT_READY;
    r->c[TB_C_pin_reads] += 1;
  }
  return TB_OK;
}

/* Choose the pins by weight, place them, load their bytes. */
static int pin_by(tb_run *r, const double *weight) {
  double t0 = tb_now();
  int n = tb_pin_choose(weight, r->layers, r->experts, r->per_layer, r->pin_top_n, r->pin_order,
                        r->pin_keys);
  int fills = tb_pin_place(r->cache, r->n_caches, r->per_layer, r->experts, r->pin_keys, n,
                           r->pin_fills);
  r->batch_cache = NULL;   /* tb_pin_place ended every open batch */
  int rc = fills < 0 ? fills : load_fills(r, fills);
  r->c[TB_C_pin_load_s] += tb_now() - t0;
  r->pins_placed = 1;
  return rc;
}

#define ALLOC_KEYS(ptr) \
  if (!((ptr) = tb_alloc_touched(keys * sizeof *(ptr), TB_ALIGN))) \
    return tb_fail(TB_ERR_NOMEM, "pin: cannot allocate %s for %zu experts", #ptr, keys)

int tb_run_pin_open(tb_run *r) {
  const tb_config *cfg = &r->cfg;
  r->pin_top_n = cfg->pin_top_n;
  r->pin_window = cfg->pin_window;
  int from_file = cfg->pin_file[0] != 0, from_window = cfg->pin_window > 0;
  if (r->pin_top_n == 0) {
    if (from_file || from_window)
      return tb_fail(TB_ERR_ARG, "pin.%s is set but pin.top_n is 0: say how many experts to pin",
                     from_file ? "file" : "window");
    return TB_OK;
  }
  if (from_file == from_window)
    return tb_fail(TB_ERR_ARG, "pin.top_n=%d: pins come from pin.file or from pin.window; set %s",
                   r->pin_top_n, from_file ? "only one of them" : "one of them");
  int cap = r->cache[0]->capacity;
  if (r->pin_top_n > cap)
    return tb_fail(TB_ERR_ARG, "pin.top_n=%d: pins live inside the application cache, which holds "
                   "%d experts%s (cache.policy=%s)", r->pin_top_n, cap,
                   r->per_layer ? " per layer" : "", r->cfg.cache_policy);
  if (from_window && r->pin_window >= r->tokens)
    return tb_fail(TB_ERR_ARG, "pin.window=%d: the window must end before the run does (run.tokens=%d)",
                   r->pin_window, r->tokens);
  size_t keys = (size_t)r->layers * (size_t)r->experts;
  ALLOC_KEYS(r->pin_order);
  ALLOC_KEYS(r->pin_keys);
  ALLOC_KEYS(r->pin_fills);
  if (from_window) {
    ALLOC_KEYS(r->pin_weight);   /* counted by the lookups of the window's tokens */
    return TB_OK;
  }
  double *weight;
  int rc = tb_popularity_load(cfg->pin_file, r->layers, r->experts, &weight);
  if (rc < 0) return rc;
  rc = pin_by(r, weight);
  free(weight);
  return rc;
}

/* Between tokens, outside the stage clock: in deterministic mode the prefetch reads of the last
 * layer are waited for first, as before a lookup, so pins never meet a read in flight. */
int tb_run_pin_window(tb_run *r) {
  double t0 = tb_now();
  while (r->pf_deterministic && r->pf_in_flight > 0) {
    int rc = tb_run_reap(r, 1);
    if (rc < 0) return rc;
  }
  r->c[TB_C_pin_load_s] += tb_now() - t0;
  return pin_by(r, r->pin_weight);
}
