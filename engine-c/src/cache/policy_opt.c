/* policy_opt.c — OPT, Belady's MIN (Belady 1966): with the routing known in advance, evict the
 * entry whose next request is farthest in the future, and do not cache a key whose own next
 * request is no sooner than that (it would be evicted unused) — the fewest misses any policy
 * can have at this capacity, the ceiling the others are judged by. "Farther" orders requests
 * as the token loop issues them: by next token, then layer; ties go to the higher slot.
 * A max-heap over slots gives O(log c) per request; a key with no next use (or an unknown one)
 * is the farthest of all. */
#include "cache.h"
#include "../util/common.h"
#include <stdlib.h>

typedef struct {
  int64_t *when;           /* [capacity] token of the slot's next request (NEVER if none) */
  int32_t *layer;          /* [capacity] its layer */
  int32_t *heap;           /* [capacity] slots, farthest next request at heap[0] */
  int32_t *pos;            /* [capacity] index of each slot in heap, -1 when out of it */
  int32_t *held;           /* [capacity] scratch: busy slots lifted off the heap top */
  int n;                   /* slots in the heap */
  int victim;              /* chosen by on_miss for the victim() that follows, -1 = none */
} opt_state;

static void opt_destroy(void *st) {
  opt_state *s = st;
  if (!s) return;
  free(s->when); free(s->layer); free(s->heap); free(s->pos); free(s->held); free(s);
}

static int opt_create(void **state, tb_cache *c) {
  size_t n = (size_t)c->capacity + 1;
  opt_state *s = calloc(1, sizeof *s);
  if (s) {
    s->when = malloc(n * sizeof *s->when);
    s->layer = malloc(n * sizeof *s->layer);
    s->heap = malloc(n * sizeof *s->heap);
    s->pos = malloc(n * sizeof *s->pos);
    s->held = malloc(n * sizeof *s->held);
  }
  if (!s || !s->when || !s->layer || !s->heap || !s->pos || !s->held) {
    opt_destroy(s);
    return tb_fail(TB_ERR_NOMEM, "opt: out of memory for %d slots", c->capacity);
  }
  for (size_t i = 0; i < n; i++) s->pos[i] = -1;
  s->victim = -1;
  *state = s;
  return TB_OK;
}

static int64_t next_token(const tb_req *r) {
  return r->next_use < 0 ? TB_NEXT_USE_NEVER : r->next_use;   /* unknown: as if never */
}

/* 1 when slot a's next request comes after slot b's (the total order of the header). */
static int later(const opt_state *s, int a, int b) {
  if (s->when[a] != s->when[b]) return s->when[a] > s->when[b];
  if (s->layer[a] != s->layer[b]) return s->layer[a] > s->layer[b];
  return a > b;
}

static void place(opt_state *s, int i, int slot) { s->heap[i] = slot; s->pos[slot] = i; }

static void sift_up(opt_state *s, int i) {
  int slot = s->heap[i];
  while (i > 0 && later(s, slot, s->heap[(i - 1) / 2])) {
    place(s, i, s->heap[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  place(s, i, slot);
}

static void sift_down(opt_state *s, int i) {
  int slot = s->heap[i];
  for (;;) {
    int m = 2 * i + 1;
    if (m >= s->n) break;
    if (m + 1 < s->n && later(s, s->heap[m + 1], s->heap[m])) m++;
    if (!later(s, s->heap[m], slot)) break;
    place(s, i, s->heap[m]);
    i = m;
  }
  place(s, i, slot);
}

static void heap_push(opt_state *s, int slot) {
  s->heap[s->n] = slot;
  s->pos[slot] = s->n;
  sift_up(s, s->n++);
}

static void heap_remove(opt_state *s, int slot) {
  int i = s->pos[slot];
  if (i < 0) return;
  s->pos[slot] = -1;
  int last = s->heap[--s->n];
  if (i == s->n) return;
  place(s, i, last);
  sift_up(s, i);
  sift_down(s, s->pos[last]);
}

/* The evictable slot with the farthest next request, -1 if none. Busy slots at the top are
 * lifted off and put back (at most one batch of them); pinned ones leave the heap for good. */
static int farthest_evictable(opt_state *s, tb_cache *c) {
  int held = 0, found = -1;
  while (s->n > 0) {
    int top = s->heap[0];
    if (tb_slot_evictable(&c->slots[top])) { found = top; break; }
    heap_remove(s, top);
    if (!c->slots[top].pinned) s->held[held++] = top;
  }
  while (held > 0) heap_push(s, s->held[--held]);
  return found;
}

static void opt_set(opt_state *s, int slot, const tb_req *r) {
  s->when[slot] = next_token(r);
  s->layer[slot] = r->layer;
}

static void opt_on_hit(void *st, tb_cache *c, int slot, const tb_req *r) {
  opt_state *s = st;
  opt_set(s, slot, r);
  if (s->pos[slot] < 0) return;        /* pinned: out of the heap */
  sift_up(s, s->pos[slot]);
  sift_down(s, s->pos[slot]);
}

/* When full: the victim is chosen now, and the key is not cached unless it is needed before
 * the victim would be. */
static int opt_on_miss(void *st, tb_cache *c, const tb_req *r) {
  opt_state *s = st;
  s->victim = -1;
  if (c->used < c->capacity) return 1;
  int v = farthest_evictable(s, c);
  if (v < 0) return 1;                 /* nothing evictable: the template bypasses */
  int64_t when = next_token(r);
  if (!r->pin && (when > s->when[v] || (when == s->when[v] && r->layer >= s->layer[v]))) return 0;
  s->victim = v;
  return 1;
}

static int opt_victim(void *st, tb_cache *c, const tb_req *r) {
  opt_state *s = st;
  int v = s->victim;
  s->victim = -1;
  return v;
}

static void opt_on_insert(void *st, tb_cache *c, int slot, const tb_req *r) {
  opt_state *s = st;
  opt_set(s, slot, r);
  heap_push(s, slot);
}

static void opt_on_evict(void *st, tb_cache *c, int slot) { heap_remove(st, slot); }

const tb_policy_ops tb_policy_opt = {
  .name = "opt",
  .help = "OPT, Belady's MIN: evicts the entry requested farthest in the future and bypasses a "
          "key needed no sooner; needs the routing ahead (the simulator and materialised routing "
          "have it). The fewest misses any policy can have at that capacity (Belady 1966).",
  .needs_future = 1,
  .create = opt_create,
  .destroy = opt_destroy,
  .on_hit = opt_on_hit,
  .on_miss = opt_on_miss,
  .victim = opt_victim,
  .on_insert = opt_on_insert,
  .on_evict = opt_on_evict,
};
