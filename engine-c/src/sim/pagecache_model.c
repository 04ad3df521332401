/* pagecache_model.c — the page-cache model (pagecache_model.h): resident bytes per record (a
 * prefix: a read fills a record from its start, readahead brings the head of the next one),
 * kept on LRU lists of records and evicted a whole record at a time from the cold end. */
#include "pagecache_model.h"
#include "../util/common.h"
#include <stdlib.h>

enum { INACTIVE = 0, ACTIVE = 1, NOWHERE = 2 };   /* the LRU model uses INACTIVE alone */

struct tb_pcmodel {
  tb_pcmodel_params p;
  int64_t active_cap;      /* bytes the active list may hold (2Q) */
  int64_t *resident;       /* [layers·experts] bytes resident, a prefix of the record */
  int32_t *prev, *next;    /* [layers·experts] list links; prev toward the hot end */
  uint8_t *where;          /* [layers·experts] INACTIVE, ACTIVE or NOWHERE */
  uint8_t *read_once;      /* [layers·experts] 2Q: read since it became resident (Linux's
                              PG_referenced); a record brought by readahead alone is not */
  int32_t head[2], tail[2];/* hot / cold end of each list, -1 when empty */
  int64_t bytes[2];        /* resident bytes on each list */
};

void tb_pcmodel_destroy(tb_pcmodel *pc) {
  if (!pc) return;
  free(pc->resident); free(pc->prev); free(pc->next); free(pc->where); free(pc->read_once);
  free(pc);
}

int tb_pcmodel_create(tb_pcmodel **out, const tb_pcmodel_params *p) {
  *out = NULL;
  if (p->kind != TB_PC_LRU && p->kind != TB_PC_2Q)
    return tb_fail(TB_ERR_ARG, "pagecache: model %d must be lru (1) or 2q (2)", p->kind);
  if (p->layers <= 0 || p->experts <= 0 || p->record_bytes <= 0 || p->readahead_bytes < 0)
    return tb_fail(TB_ERR_ARG, "pagecache: layers %d, experts %d, record %lld bytes must be > 0 "
                   "and readahead %lld bytes >= 0", p->layers, p->experts,
                   (long long)p->record_bytes, (long long)p->readahead_bytes);
  if (p->kind == TB_PC_2Q && !(p->active_fraction > 0 && p->active_fraction <= 1))
    return tb_fail(TB_ERR_ARG, "pagecache: active fraction %g must be in (0, 1]", p->active_fraction);
  size_t n = (size_t)p->layers * (size_t)p->experts;
  tb_pcmodel *pc = calloc(1, sizeof *pc);
  if (pc) {
    pc->resident = calloc(n, sizeof *pc->resident);
    pc->prev = malloc(n * sizeof *pc->prev);
    pc->next = malloc(n * sizeof *pc->next);
    pc->where = malloc(n);
    pc->read_once = calloc(n, 1);
  }
  if (!pc || !pc->resident || !pc->prev || !pc->next || !pc->where || !pc->read_once) {
    tb_pcmodel_destroy(pc);
    return tb_fail(TB_ERR_NOMEM, "pagecache: out of memory for %zu records", n);
  }
  pc->p = *p;
  if (pc->p.readahead_bytes > p->record_bytes) pc->p.readahead_bytes = p->record_bytes;
  pc->active_cap = p->kind == TB_PC_2Q ? (int64_t)(p->active_fraction * (double)p->capacity_bytes) : 0;
  for (size_t i = 0; i < n; i++) pc->where[i] = NOWHERE;
  pc->head[0] = pc->head[1] = pc->tail[0] = pc->tail[1] = -1;
  *out = pc;
  return TB_OK;
}

static void unlink_rec(tb_pcmodel *pc, int32_t i) {
  int l = pc->where[i];
  if (pc->prev[i] >= 0) pc->next[pc->prev[i]] = pc->next[i]; else pc->head[l] = pc->next[i];
  if (pc->next[i] >= 0) pc->prev[pc->next[i]] = pc->prev[i]; else pc->tail[l] = pc->prev[i];
  pc->bytes[l] -= pc->resident[i];
  pc->where[i] = NOWHERE;
}

static void push_hot(tb_pcmodel *pc, int l, int32_t i) {
  pc->where[i] = (uint8_t)l;
  pc->prev[i] = -1;
  pc->next[i] = pc->head[l];
  if (pc->head[l] >= 0) pc->prev[pc->head[l]] = i; else pc->tail[l] = i;
  pc->head[l] = i;
  pc->bytes[l] += pc->resident[i];
}

/* Bytes become resident for record i, which stays where it is on its list (or joins the
 * inactive list's hot end). */
static void grow(tb_pcmodel *pc, int32_t i, int64_t to) {
  int l = pc->where[i];
  if (l == NOWHERE) { pc->resident[i] = to; push_hot(pc, INACTIVE, i); return; }
  pc->bytes[l] += to - pc->resident[i];
  pc->resident[i] = to;
}

static void drop(tb_pcmodel *pc, int32_t i) {
  unlink_rec(pc, i);
  pc->resident[i] = 0;
  pc->read_once[i] = 0;
}

/* 2Q: the active list's cold end goes back to the inactive list's hot end while the active
 * list holds more than its share (Linux keeps the inactive list from running low this way). */
static void balance(tb_pcmodel *pc) {
  while (pc->bytes[ACTIVE] > pc->active_cap && pc->tail[ACTIVE] >= 0) {
    int32_t i = pc->tail[ACTIVE];
    unlink_rec(pc, i);
    pc->read_once[i] = 0;
    push_hot(pc, INACTIVE, i);
  }
}

static void shrink(tb_pcmodel *pc) {
  int64_t cap = pc->p.capacity_bytes > 0 ? pc->p.capacity_bytes : 0;
  while (pc->bytes[INACTIVE] + pc->bytes[ACTIVE] > cap) {
    int l = pc->tail[INACTIVE] >= 0 ? INACTIVE : ACTIVE;
    drop(pc, pc->tail[l]);
  }
}

void tb_pcmodel_read(tb_pcmodel *pc, int layer, int expert, int64_t *cached, int64_t *device) {
  int32_t i = layer * pc->p.experts + expert;
  int64_t rec = pc->p.record_bytes;
  *cached = pc->resident[i];
  *device = rec - *cached;
  if (*device > 0 && pc->p.readahead_bytes > 0 && expert + 1 < pc->p.experts) {
    int32_t n = i + 1;                   /* the next record of the same layer file */
    int64_t ahead = pc->p.readahead_bytes - pc->resident[n];
    if (ahead > 0) {
      *device += ahead;
      grow(pc, n, pc->p.readahead_bytes);
    }
  }
  if (pc->p.kind == TB_PC_LRU) {
    if (pc->where[i] != NOWHERE) unlink_rec(pc, i);
    pc->resident[i] = rec;
    push_hot(pc, INACTIVE, i);
  } else if (pc->where[i] == ACTIVE) {
    unlink_rec(pc, i);
    pc->resident[i] = rec;
    push_hot(pc, ACTIVE, i);
  } else if (pc->where[i] == INACTIVE && pc->read_once[i]) {
    unlink_rec(pc, i);                   /* second read while inactive: activate */
    pc->resident[i] = rec;
    push_hot(pc, ACTIVE, i);
    balance(pc);
  } else {
    grow(pc, i, rec);                    /* first read: marked, not moved */
    pc->read_once[i] = 1;
  }
  shrink(pc);
}

int64_t tb_pcmodel_resident(const tb_pcmodel *pc, int layer, int expert) {
  return pc->resident[layer * pc->p.experts + expert];
}

int64_t tb_pcmodel_used(const tb_pcmodel *pc) { return pc->bytes[INACTIVE] + pc->bytes[ACTIVE]; }
