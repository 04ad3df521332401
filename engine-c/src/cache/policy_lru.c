/* policy_lru.c — least recently used: a doubly linked list over slot indices, most recent at
 * the head; hits and inserts move to the head, the victim is the evictable slot nearest the
 * tail. O(1) per request unless pinned or busy slots sit at the tail. */
#include "cache.h"
#include "../util/common.h"
#include <stdlib.h>

typedef struct {
  int32_t *prev, *next;    /* [capacity] list links by slot index, -1 = none */
  int32_t head, tail;      /* most / least recently used slot, -1 when empty */
} lru_state;

static int lru_create(void **state, tb_cache *c) {
  lru_state *s = calloc(1, sizeof *s);
  if (!s) return tb_fail(TB_ERR_NOMEM, "lru: out of memory");
  s->prev = malloc(((size_t)c->capacity + 1) * sizeof *s->prev);
  s->next = malloc(((size_t)c->capacity + 1) * sizeof *s->next);
  if (!s->prev || !s->next) {
    free(s->prev); free(s->next); free(s);
    return tb_fail(TB_ERR_NOMEM, "lru: out of memory for %d slots", c->capacity);
  }
  for (int i = 0; i < c->capacity; i++) s->prev[i] = s->next[i] = -1;
  s->head = s->tail = -1;
  *state = s;
  return TB_OK;
}

static void lru_destroy(void *st) {
  lru_state *s = st;
  if (!s) return;
  free(s->prev); free(s->next); free(s);
}

static void unlink_slot(lru_state *s, int i) {
  if (s->prev[i] >= 0) s->next[s->prev[i]] = s->next[i]; else s->head = s->next[i];
  if (s->next[i] >= 0) s->prev[s->next[i]] = s->prev[i]; else s->tail = s->prev[i];
  s->prev[i] = s->next[i] = -1;
}

static void push_head(lru_state *s, int i) {
  s->prev[i] = -1;
  s->next[i] = s->head;
  if (s->head >= 0) s->prev[s->head] = i; else s->tail = i;
  s->head = i;
}

static void lru_on_hit(void *st, tb_cache *c, int slot, const tb_req *r) {
  unlink_slot(st, slot);
  push_head(st, slot);
}

static int lru_victim(void *st, tb_cache *c, const tb_req *r) {
  lru_state *s = st;
  for (int i = s->tail; i >= 0; i = s->prev[i])
    if (tb_slot_evictable(&c->slots[i])) return i;
  return -1;
}

static void lru_on_insert(void *st, tb_cache *c, int slot, const tb_req *r) { push_head(st, slot); }
static void lru_on_evict(void *st, tb_cache *c, int slot) { unlink_slot(st, slot); }

const tb_policy_ops tb_policy_lru = {
  .name = "lru",
  .help = "Least recently used: evicts the expert whose last request is oldest. The classic "
          "baseline, and the policy of Flash-MoE's 2,500-entry Metal expert cache.",
  .create = lru_create,
  .destroy = lru_destroy,
  .on_hit = lru_on_hit,
  .victim = lru_victim,
  .on_insert = lru_on_insert,
  .on_evict = lru_on_evict,
};
