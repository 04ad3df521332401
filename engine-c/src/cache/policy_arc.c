/* policy_arc.c — ARC, Adaptive Replacement Cache (Megiddo & Modha, FAST '03): T1 holds entries
 * seen once recently, T2 entries seen at least twice; ghost lists B1/B2 remember the keys
 * evicted from each, and a hit on a ghost moves the target size p of T1 toward the list that
 * would have hit. Cases II–IV of the paper's figure 4, with the choices libCacheSim's ARC makes
 * where the paper leaves room (real-valued p; ghosts trimmed only when an eviction is due).
 * All four lists are LRU lists over keys (each key is in at most one), allocated at create.
 * With busy or pinned entries, REPLACE takes the evictable entry nearest the chosen list's LRU
 * end, or the other list's when the chosen one has none. */
#include "cache.h"
#include "../util/common.h"
#include <stdlib.h>

enum { NONE = 0, T1, T2, B1, B2, LISTS };

typedef struct {
  int32_t *prev, *next;    /* [keys] links in the key's list; prev toward the MRU end */
  uint8_t *list;           /* [keys] NONE, T1, T2, B1 or B2 */
  int32_t head[LISTS], tail[LISTS];   /* MRU / LRU key of each list, -1 when empty */
  int size[LISTS];         /* keys in each list */
  double p;                /* target size of T1, entries, in [0, capacity] */
  int ghost_hit;           /* this miss's key was found in B1 or B2 (then it enters T2), else NONE */
  int drop_victim;         /* the victim chosen leaves no ghost (case IV, |T1| = c) */
} arc_state;

static void arc_destroy(void *st) {
  arc_state *s = st;
  if (!s) return;
  free(s->prev); free(s->next); free(s->list); free(s);
}

static int arc_create(void **state, tb_cache *c) {
  arc_state *s = calloc(1, sizeof *s);
  if (s) {
    s->prev = malloc((size_t)c->keys * sizeof *s->prev);
    s->next = malloc((size_t)c->keys * sizeof *s->next);
    s->list = calloc((size_t)c->keys, 1);
  }
  if (!s || !s->prev || !s->next || !s->list) {
    arc_destroy(s);
    return tb_fail(TB_ERR_NOMEM, "arc: out of memory for %d keys", c->keys);
  }
  for (int l = 0; l < LISTS; l++) s->head[l] = s->tail[l] = -1;
  *state = s;
  return TB_OK;
}

static void list_remove(arc_state *s, int32_t key) {
  int l = s->list[key];
  if (s->prev[key] >= 0) s->next[s->prev[key]] = s->next[key]; else s->head[l] = s->next[key];
  if (s->next[key] >= 0) s->prev[s->next[key]] = s->prev[key]; else s->tail[l] = s->prev[key];
  s->size[l]--;
  s->list[key] = NONE;
}

static void list_push_mru(arc_state *s, int l, int32_t key) {
  s->list[key] = (uint8_t)l;
  s->prev[key] = -1;
  s->next[key] = s->head[l];
  if (s->head[l] >= 0) s->prev[s->head[l]] = key; else s->tail[l] = key;
  s->head[l] = key;
  s->size[l]++;
}

static void arc_on_hit(void *st, tb_cache *c, int slot, const tb_req *r) {
  arc_state *s = st;
  list_remove(s, r->key);
  list_push_mru(s, T2, r->key);
}

/* Ghost bookkeeping of cases II and III: adapt p, take the key out of its ghost list. */
static int arc_on_miss(void *st, tb_cache *c, const tb_req *r) {
  arc_state *s = st;
  int l = s->list[r->key];
  s->ghost_hit = NONE;
  s->drop_victim = 0;
  if (l == B1) {
    double delta = s->size[B2] > s->size[B1] ? (double)s->size[B2] / s->size[B1] : 1.0;
    s->p = s->p + delta < c->capacity ? s->p + delta : c->capacity;
    list_remove(s, r->key);
    s->ghost_hit = B1;
  } else if (l == B2) {
    double delta = s->size[B1] > s->size[B2] ? (double)s->size[B1] / s->size[B2] : 1.0;
    s->p = s->p - delta > 0 ? s->p - delta : 0;
    list_remove(s, r->key);
    s->ghost_hit = B2;
  }
  return 1;
}

static int lru_evictable(const arc_state *s, const tb_cache *c, int l) {
  for (int32_t k = s->tail[l]; k >= 0; k = s->prev[k])
    if (tb_slot_evictable(&c->slots[c->map[k]])) return c->map[k];
  return -1;
}

/* REPLACE(x, p): evict from T1 when it exceeds its target (or meets it on a B2 hit), else T2. */
static int replace(arc_state *s, tb_cache *c) {
  int t1 = s->size[T1] > 0 && (s->size[T1] > s->p || (s->size[T1] == s->p && s->ghost_hit == B2));
  int first = t1 || s->size[T2] == 0 ? T1 : T2;
  int v = lru_evictable(s, c, first);
  return v >= 0 ? v : lru_evictable(s, c, first == T1 ? T2 : T1);
}

static int arc_victim(void *st, tb_cache *c, const tb_req *r) {
  arc_state *s = st;
  if (s->ghost_hit != NONE) return replace(s, c);                 /* cases II, III */
  if (s->size[T1] + s->size[B1] + 1 > c->capacity) {              /* case IV.A: |L1| = c */
    if (s->size[B1] > 0) {
      list_remove(s, s->tail[B1]);
      return replace(s, c);
    }
    s->drop_victim = 1;
    int v = lru_evictable(s, c, T1);
    return v >= 0 ? v : lru_evictable(s, c, T2);
  }
  if (s->size[T1] + s->size[T2] + s->size[B1] + s->size[B2] >= 2 * c->capacity && s->size[B2] > 0)
    list_remove(s, s->tail[B2]);                                  /* case IV.B, directory full */
  return replace(s, c);
}

static void arc_on_insert(void *st, tb_cache *c, int slot, const tb_req *r) {
  arc_state *s = st;
  list_push_mru(s, s->ghost_hit != NONE ? T2 : T1, r->key);
  s->ghost_hit = NONE;
}

static void arc_on_evict(void *st, tb_cache *c, int slot) {
  arc_state *s = st;
  int32_t key = c->slots[slot].key;
  int from = s->list[key];
  list_remove(s, key);
  if (!s->drop_victim) list_push_mru(s, from == T1 ? B1 : B2, key);
  s->drop_victim = 0;
}

const tb_policy_ops tb_policy_arc = {
  .name = "arc",
  .help = "ARC, Adaptive Replacement Cache: a recency list and a frequency list whose split "
          "adapts to hits on ghost lists of recently evicted keys (Megiddo & Modha, FAST 2003; "
          "libCacheSim's ARC).",
  .create = arc_create,
  .destroy = arc_destroy,
  .on_hit = arc_on_hit,
  .on_miss = arc_on_miss,
  .victim = arc_victim,
  .on_insert = arc_on_insert,
  .on_evict = arc_on_evict,
};
