/* policy_sieve.c — SIEVE (Zhang et al., NSDI '24): a FIFO queue in insertion order plus a
 * visited bit per entry, set on a hit. The hand walks from the tail (oldest) toward the head,
 * clearing visited bits, evicts the first unvisited entry and stays where it stopped; it wraps
 * to the tail past the head. Unlike CLOCK, survivors are never moved, so new entries stay near
 * the head. Follows libCacheSim's Sieve. Busy and pinned entries are passed over untouched. */
#include "cache.h"
#include "../util/common.h"
#include <stdlib.h>

typedef struct {
  int32_t *prev, *next;    /* [capacity] queue links by slot; prev points toward the head */
  uint8_t *visited;        /* [capacity] */
  int32_t head, tail;      /* newest / oldest slot, -1 when empty */
  int32_t hand;            /* slot the next eviction scan starts at; -1 = the tail */
} sieve_state;

static void sieve_destroy(void *st) {
  sieve_state *s = st;
  if (!s) return;
  free(s->prev); free(s->next); free(s->visited); free(s);
}

static int sieve_create(void **state, tb_cache *c) {
  size_t n = (size_t)c->capacity + 1;
  sieve_state *s = calloc(1, sizeof *s);
  if (s) {
    s->prev = malloc(n * sizeof *s->prev);
    s->next = malloc(n * sizeof *s->next);
    s->visited = calloc(n, 1);
  }
  if (!s || !s->prev || !s->next || !s->visited) {
    sieve_destroy(s);
    return tb_fail(TB_ERR_NOMEM, "sieve: out of memory for %d slots", c->capacity);
  }
  s->head = s->tail = s->hand = -1;
  *state = s;
  return TB_OK;
}

static void sieve_on_hit(void *st, tb_cache *c, int slot, const tb_req *r) {
  ((sieve_state *)st)->visited[slot] = 1;
}

static void sieve_on_insert(void *st, tb_cache *c, int slot, const tb_req *r) {
  sieve_state *s = st;
  s->visited[slot] = 0;
  s->prev[slot] = -1;
  s->next[slot] = s->head;
  if (s->head >= 0) s->prev[s->head] = slot; else s->tail = slot;
  s->head = slot;
}

/* One lap clears every visited bit it passes, so a second lap finds an unvisited evictable
 * entry unless there is none. */
static int sieve_victim(void *st, tb_cache *c, const tb_req *r) {
  sieve_state *s = st;
  int i = s->hand >= 0 ? s->hand : s->tail;
  for (int step = 0; i >= 0 && step <= 2 * c->used; step++) {
    if (tb_slot_evictable(&c->slots[i])) {
      if (!s->visited[i]) {
        s->hand = s->prev[i];      /* -1 past the head: the next scan starts at the tail */
        return i;
      }
      s->visited[i] = 0;
    }
    i = s->prev[i] >= 0 ? s->prev[i] : s->tail;
  }
  return -1;
}

static void sieve_on_evict(void *st, tb_cache *c, int slot) {
  sieve_state *s = st;
  if (s->hand == slot) s->hand = s->prev[slot];
  if (s->prev[slot] >= 0) s->next[s->prev[slot]] = s->next[slot]; else s->head = s->next[slot];
  if (s->next[slot] >= 0) s->prev[s->next[slot]] = s->prev[slot]; else s->tail = s->prev[slot];
  s->prev[slot] = s->next[slot] = -1;
}

const tb_policy_ops tb_policy_sieve = {
  .name = "sieve",
  .help = "SIEVE: a FIFO queue with a visited bit per entry; a hand moving from old to new "
          "clears visited bits and evicts the first unvisited entry, never moving survivors "
          "(Zhang et al., NSDI 2024; libCacheSim's Sieve).",
  .create = sieve_create,
  .destroy = sieve_destroy,
  .on_hit = sieve_on_hit,
  .victim = sieve_victim,
  .on_insert = sieve_on_insert,
  .on_evict = sieve_on_evict,
};
