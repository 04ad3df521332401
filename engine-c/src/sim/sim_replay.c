/* sim_replay.c — one simulator cell: the routing replayed token by token, layer by layer, through
 * the application cache exactly as the engine's token loop drives it (one cache or one per
 * layer, one batch per layer; pins between tokens, a prefetch step after each layer's lookups),
 * and each miss read directly or through the page-cache model. */
#include "sim.h"
#include "sim_extras.h"
#include "../util/common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Entries per cache by the engine's rule (run_open.c): `none` keeps nothing, and no cache can
 * use more entries than its key space has. */
static int cell_capacity(const tb_sim_setup *s, const tb_sim_cell *cell) {
  if (cell->policy->no_storage) return 0;
  int64_t keys = (int64_t)s->routing->experts * (s->per_layer ? 1 : s->routing->layers);
  return cell->entries < keys ? cell->entries : (int)keys;
}

typedef struct {
  tb_cache **caches;       /* [n] */
  int n;
  tb_pcmodel *pc;
  uint8_t *touched;        /* [layers·experts] first-touch: read once already */
  tb_sim_extras x;         /* prefetch and pins */
} replay_state;

static void state_free(replay_state *st) {
  for (int i = 0; i < st->n; i++) tb_cache_destroy(st->caches[i]);
  free(st->caches);
  tb_pcmodel_destroy(st->pc);
  free(st->touched);
  tb_sim_extras_free(&st->x);
}

static int state_open(replay_state *st, const tb_sim_setup *s, tb_sim_cell *cell) {
  const tb_routing *rt = s->routing;
  int keys = rt->layers * rt->experts;
  memset(st, 0, sizeof *st);
  int n = s->per_layer ? rt->layers : 1;
  if (!(st->caches = calloc((size_t)n, sizeof *st->caches)) || !(st->touched = calloc((size_t)keys, 1)))
    return tb_fail(TB_ERR_NOMEM, "sim: out of memory for %d caches", n);
  for (; st->n < n; st->n++) {
    int rc = tb_cache_create(&st->caches[st->n], cell->policy, cell->capacity, keys, s->record_bytes);
    if (rc < 0) return rc;
  }
  int rc = tb_sim_extras_open(&st->x, s, cell);
  if (rc < 0) return rc;
  if (s->pc_kind != TB_PC_OFF) {
    double app = (double)cell->capacity * n * (double)s->record_bytes;
    cell->pc_capacity_bytes = s->page_cache_bytes > app ? s->page_cache_bytes - app : 0;
    tb_pcmodel_params p = {
      .kind = s->pc_kind, .layers = rt->layers, .experts = rt->experts,
      .record_bytes = s->record_bytes, .capacity_bytes = (int64_t)cell->pc_capacity_bytes,
      .readahead_bytes = s->readahead_bytes, .active_fraction = s->active_fraction,
    };
    return tb_pcmodel_create(&st->pc, &p);
  }
  return TB_OK;
}

/* An application-cache miss: the record is read, directly or through the page cache. */
static void read_record(const tb_sim_setup *s, replay_state *st, tb_sim_cell *cell, int layer,
                        int expert, int counted) {
  tb_sim_extras_judge(&st->x, s, st->pc, layer, expert);   /* before the read changes residency */
  uint8_t *t = &st->touched[layer * s->routing->experts + expert];
  int direct = s->direct == TB_SIM_DIRECT_ON || (s->direct == TB_SIM_DIRECT_FIRST_TOUCH && !*t);
  *t = 1;
  int64_t cached = 0, device = s->record_bytes;
  if (!direct && st->pc) tb_pcmodel_read(st->pc, layer, expert, &cached, &device);
  if (!counted) return;
  if (direct) cell->direct_reads++; else cell->buffered_reads++;
  cell->page_cache_bytes += (double)cached;
  cell->device_bytes += (double)device;
  cell->readahead_bytes += (double)(cached + device - s->record_bytes);
}

/* The reads of a prefetch step, as the engine issues them: a slot fill follows io.direct like
 * a demand read; a page-cache warm is always buffered. Counted apart from demand reads. */
static void read_prefetches(const tb_sim_setup *s, replay_state *st, tb_sim_cell *cell, int n, int counted) {
  for (int i = 0; i < n; i++) {
    const tb_prefetch_issue *is = &st->x.issues[i];
    uint8_t *t = &st->touched[is->key];
    int direct = is->cache >= 0 && (s->direct == TB_SIM_DIRECT_ON || (s->direct == TB_SIM_DIRECT_FIRST_TOUCH && !*t));
    if (is->cache >= 0) *t = 1;
    int64_t cached = 0, device = s->record_bytes;
    if (!direct && st->pc) tb_pcmodel_read(st->pc, is->layer, is->expert, &cached, &device);
    if (!counted) continue;
    cell->prefetch_reads++;
    cell->prefetch_page_cache_bytes += (double)cached;
    cell->prefetch_device_bytes += (double)device;
  }
}

typedef struct { int64_t insertions, bypasses, evictions; } cache_totals;

static cache_totals totals(const replay_state *st) {
  cache_totals t = { 0, 0, 0 };
  for (int i = 0; i < st->n; i++) {
    t.insertions += st->caches[i]->insertions;
    t.bypasses += st->caches[i]->bypasses;
    t.evictions += st->caches[i]->evictions;
  }
  return t;
}

int tb_sim_replay(const tb_sim_setup *s, tb_sim_cell *cell, volatile int *cancel) {
  const tb_routing *rt = s->routing;
  if (!cell->policy || cell->entries < 0) {
    cell->status = tb_fail(TB_ERR_ARG, "sim: a cell needs a policy and entries >= 0 (%d)", cell->entries);
    snprintf(cell->error, sizeof cell->error, "%s", tb_error_message());
    return cell->status;
  }
  /* results start from zero; the inputs and the caller's layer arrays stay */
  *cell = (tb_sim_cell){ .policy = cell->policy, .entries = cell->entries, .predictor = cell->predictor,
                         .layer_requests = cell->layer_requests, .layer_hits = cell->layer_hits };
  int64_t *lreq = cell->layer_requests, *lhit = cell->layer_hits;
  if (lreq) memset(lreq, 0, (size_t)rt->layers * sizeof *lreq);
  if (lhit) memset(lhit, 0, (size_t)rt->layers * sizeof *lhit);
  cell->capacity = cell_capacity(s, cell);

  replay_state st;
  int rc = state_open(&st, s, cell);
  cache_totals before = { 0, 0, 0 };
  for (int64_t t = 0; rc == TB_OK && t < rt->tokens; t++) {
    if (cancel && *cancel) { rc = tb_fail(TB_ERR_CANCELLED, "sim: cancelled"); break; }
    int counted = t >= s->warmup_tokens;
    if (t == s->warmup_tokens) {
      before = totals(&st);
      tb_sim_extras_totals(&st.x, st.caches, st.n, &st.x.at_warmup);
    }
    int pins = tb_sim_extras_pins(&st.x, s, st.caches, st.n, t);
    if ((rc = pins < 0 ? pins : TB_OK) < 0) break;
    for (int i = 0; i < pins; i++) {   /* loaded like the engine's pins: uncounted, outside any token */
      int32_t key = st.x.pin_fills[i].key;
      read_record(s, &st, cell, key / rt->experts, key % rt->experts, 0);
    }
    for (int l = 0; l < rt->layers; l++) {
      tb_cache *c = st.caches[s->per_layer ? l : 0];
      size_t base = ((size_t)t * (size_t)rt->layers + (size_t)l) * (size_t)rt->k;
      for (int k = 0; k < rt->k; k++) {
        int expert = rt->ids[base + k], slot;
        tb_req q = { .layer = l, .expert = expert, .key = l * rt->experts + expert,
                     .token = t, .next_use = rt->next_use[base + k], .prefetch = 0 };
        int res = tb_cache_access(c, &q, &slot);
        tb_sim_extras_request(&st.x, s, t, q.key);
        if (res == TB_CACHE_MISS_FILL) c->slots[slot].state = TB_SLOT_READY;
        if (res != TB_CACHE_HIT) read_record(s, &st, cell, l, expert, counted);
        if (!counted) continue;
        cell->requests++;
        if (lreq) lreq[l]++;
        if (res == TB_CACHE_HIT) { cell->hits++; if (lhit) lhit[l]++; }
        else cell->misses++;
      }
      read_prefetches(s, &st, cell, tb_sim_extras_prefetch(&st.x, st.caches, t, l), counted);
      tb_cache_end_batch(c);
    }
  }
  if (rc == TB_OK && s->warmup_tokens >= rt->tokens) {
    before = totals(&st);
    tb_sim_extras_totals(&st.x, st.caches, st.n, &st.x.at_warmup);
  }
  if (rc == TB_OK) {
    cache_totals after = totals(&st);
    cell->insertions = after.insertions - before.insertions;
    cell->bypasses = after.bypasses - before.bypasses;
    cell->evictions = after.evictions - before.evictions;
    cell->requested_bytes = (double)cell->requests * (double)s->record_bytes;
    tb_sim_extras_finish(&st.x, st.caches, st.n, cell);
  }
  state_free(&st);
  if (rc < 0) snprintf(cell->error, sizeof cell->error, "%s", tb_error_message());
  return cell->status = rc;
}
