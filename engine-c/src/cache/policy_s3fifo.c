/* policy_s3fifo.c — S3-FIFO (Yang et al., SOSP '23): new keys enter a small FIFO (10 % of the
 * entries); a key hit twice there moves to the main FIFO (a CLOCK with a 2-bit count), any other
 * leaves a ghost in a key-only FIFO (90 % of the entries) that sends it straight to main when it
 * returns. Follows libCacheSim's S3FIFO (fifo-size-ratio 0.10, ghost-size-ratio 0.90,
 * move-to-main-threshold 2) step for step; its small queue admits nothing below 20 entries
 * (⌊0.1·c⌋ ≤ 1), so here the small queue has at least one entry and small caches differ. */
#include "cache.h"
#include "../util/common.h"
#include <stdlib.h>

enum { SMALL = 0, MAIN = 1 };
#define MOVE_TO_MAIN 2        /* count a small-queue tail needs to move to main */
#define COUNT_MAX 3           /* main's 2-bit clock counter */

typedef struct { int32_t head, tail; int size; } fifo;   /* head = newest; -1 when empty */

typedef struct {
  int32_t *prev, *next;    /* [capacity] queue links by slot; prev toward the head */
  uint8_t *queue;          /* [capacity] SMALL or MAIN */
  uint8_t *count;          /* [capacity] hits, capped at COUNT_MAX */
  fifo q[2];
  int small_target, main_target;      /* entries: ⌊0.1·c⌋ (≥ 1) and the rest */
  int32_t *gprev, *gnext;  /* [keys] ghost FIFO links by key; prev toward the head */
  uint8_t *in_ghost;       /* [keys] */
  int32_t ghead, gtail;
  int gsize, gcap;         /* ghost keys held / allowed: ⌊0.9·c⌋ */
  int to_main;             /* this miss hit a ghost: the key enters main */
  int victim_from_small;   /* the victim leaves a ghost */
} s3_state;

static void s3_destroy(void *st) {
  s3_state *s = st;
  if (!s) return;
  free(s->prev); free(s->next); free(s->queue); free(s->count);
  free(s->gprev); free(s->gnext); free(s->in_ghost); free(s);
}

static int s3_create(void **state, tb_cache *c) {
  size_t n = (size_t)c->capacity + 1, k = (size_t)c->keys;
  s3_state *s = calloc(1, sizeof *s);
  if (s) {
    s->prev = malloc(n * sizeof *s->prev);
    s->next = malloc(n * sizeof *s->next);
    s->queue = calloc(n, 1);
    s->count = calloc(n, 1);
    s->gprev = malloc(k * sizeof *s->gprev);
    s->gnext = malloc(k * sizeof *s->gnext);
    s->in_ghost = calloc(k, 1);
  }
  if (!s || !s->prev || !s->next || !s->queue || !s->count || !s->gprev || !s->gnext || !s->in_ghost) {
    s3_destroy(s);
    return tb_fail(TB_ERR_NOMEM, "s3fifo: out of memory for %d slots, %d keys", c->capacity, c->keys);
  }
  s->small_target = (int)(c->capacity * 0.10);
  if (s->small_target < 1) s->small_target = 1;
  s->main_target = c->capacity - s->small_target;
  s->gcap = (int)(c->capacity * 0.90);
  for (int q = 0; q < 2; q++) s->q[q] = (fifo){ -1, -1, 0 };
  s->ghead = s->gtail = -1;
  *state = s;
  return TB_OK;
}

static void q_push(s3_state *s, int q, int slot) {
  fifo *f = &s->q[q];
  s->queue[slot] = (uint8_t)q;
  s->prev[slot] = -1;
  s->next[slot] = f->head;
  if (f->head >= 0) s->prev[f->head] = slot; else f->tail = slot;
  f->head = slot;
  f->size++;
}

static void q_remove(s3_state *s, int slot) {
  fifo *f = &s->q[s->queue[slot]];
  if (s->prev[slot] >= 0) s->next[s->prev[slot]] = s->next[slot]; else f->head = s->next[slot];
  if (s->next[slot] >= 0) s->prev[s->next[slot]] = s->prev[slot]; else f->tail = s->prev[slot];
  f->size--;
}

static void ghost_remove(s3_state *s, int32_t key) {
  if (s->gprev[key] >= 0) s->gnext[s->gprev[key]] = s->gnext[key]; else s->ghead = s->gnext[key];
  if (s->gnext[key] >= 0) s->gprev[s->gnext[key]] = s->gprev[key]; else s->gtail = s->gprev[key];
  s->in_ghost[key] = 0;
  s->gsize--;
}

static void ghost_add(s3_state *s, int32_t key) {
  if (s->gcap == 0) return;
  if (s->gsize == s->gcap) ghost_remove(s, s->gtail);
  s->in_ghost[key] = 1;
  s->gprev[key] = -1;
  s->gnext[key] = s->ghead;
  if (s->ghead >= 0) s->gprev[s->ghead] = key; else s->gtail = key;
  s->ghead = key;
  s->gsize++;
}

static void s3_on_hit(void *st, tb_cache *c, int slot, const tb_req *r) {
  s3_state *s = st;
  if (s->count[slot] < COUNT_MAX) s->count[slot]++;
}

static int s3_on_miss(void *st, tb_cache *c, const tb_req *r) {
  s3_state *s = st;
  s->to_main = s->in_ghost[r->key];
  if (s->to_main) ghost_remove(s, r->key);
  return 1;
}

/* Moves slot i from the tail of its queue to the head of q. */
static void requeue(s3_state *s, int i, int q) {
  q_remove(s, i);
  q_push(s, q, i);
}

/* Main is a CLOCK: a tail with a count is reinserted with one less. Returns the victim, or -1
 * when main is empty or holds only busy or pinned entries (passed over to the head unchanged;
 * a full lap of them with no count spent in between ends the search). */
static int evict_main(s3_state *s, tb_cache *c) {
  for (int stuck = 0; s->q[MAIN].size > 0 && stuck < s->q[MAIN].size;) {
    int i = s->q[MAIN].tail;
    if (!tb_slot_evictable(&c->slots[i])) { requeue(s, i, MAIN); stuck++; continue; }
    if (s->count[i] == 0) return i;
    s->count[i]--;                      /* = min(count, 3) − 1, counts never exceeding 3 */
    requeue(s, i, MAIN);
    stuck = 0;
  }
  return -1;
}

/* The small queue's tail leaves (with a ghost) unless it was hit enough to move to main. Keeps
 * going until a victim or an empty (or stuck) small queue, as libCacheSim does, without looking
 * at main's size in between. */
static int evict_small(s3_state *s, tb_cache *c) {
  for (int stuck = 0; s->q[SMALL].size > 0 && stuck < s->q[SMALL].size;) {
    int i = s->q[SMALL].tail;
    if (!tb_slot_evictable(&c->slots[i])) { requeue(s, i, SMALL); stuck++; continue; }
    if (s->count[i] < MOVE_TO_MAIN) return i;
    s->count[i] = 0;
    requeue(s, i, MAIN);
    stuck = 0;
  }
  return -1;
}

static int s3_victim(void *st, tb_cache *c, const tb_req *r) {
  s3_state *s = st;
  int v;
  if (s->q[MAIN].size > s->main_target || s->q[SMALL].size == 0) {
    v = evict_main(s, c);
    if (v < 0) v = evict_small(s, c);
  } else {
    v = evict_small(s, c);              /* empties itself by promotions → main's turn */
    if (v < 0) v = evict_main(s, c);
  }
  s->victim_from_small = v >= 0 && s->queue[v] == SMALL;
  return v;
}

static void s3_on_insert(void *st, tb_cache *c, int slot, const tb_req *r) {
  s3_state *s = st;
  s->count[slot] = 0;
  q_push(s, s->to_main ? MAIN : SMALL, slot);
  s->to_main = 0;
}

static void s3_on_evict(void *st, tb_cache *c, int slot) {
  s3_state *s = st;
  q_remove(s, slot);
  if (s->victim_from_small) ghost_add(s, c->slots[slot].key);
  s->victim_from_small = 0;
}

const tb_policy_ops tb_policy_s3fifo = {
  .name = "s3fifo",
  .help = "S3-FIFO: a small FIFO for new keys, a main FIFO (2-bit CLOCK) for keys hit while in "
          "the small one, and a ghost FIFO of keys evicted from the small one that sends them "
          "straight to main when they return (Yang et al., SOSP 2023; libCacheSim's S3FIFO).",
  .create = s3_create,
  .destroy = s3_destroy,
  .on_hit = s3_on_hit,
  .on_miss = s3_on_miss,
  .victim = s3_victim,
  .on_insert = s3_on_insert,
  .on_evict = s3_on_evict,
};
