/* policy_lfu.c — least frequently used with a recency tie-break: evicts the entry with the
 * fewest hits since it was inserted, and among those the least recently used. Counts are kept
 * only while an entry is resident (in-cache LFU, as in libCacheSim). O(1) per request with the
 * frequency-bucket structure of Shah, Mitra & Matani ("An O(1) algorithm for implementing the
 * LFU cache eviction scheme", 2010): a list of buckets in ascending count, each an LRU list. */
#include "cache.h"
#include "../util/common.h"
#include <stdlib.h>

typedef struct {
  int64_t count;           /* requests seen by every entry of this bucket */
  int32_t head, tail;      /* entries, most / least recently used; -1 when empty */
  int32_t lower, higher;   /* neighbouring buckets in ascending count; -1 = none */
} lfu_bucket;

typedef struct {
  int32_t *bucket;         /* [capacity] bucket of each occupied slot */
  int32_t *prev, *next;    /* [capacity] links inside a bucket; prev toward the MRU end */
  lfu_bucket *buckets;     /* [capacity + 1] pool: never more buckets than entries, plus one
                              made before an emptied one is released */
  int32_t *free_buckets;   /* [capacity + 1] stack of unused pool indices */
  int free_top;
  int32_t lowest;          /* bucket with the smallest count, -1 when empty */
} lfu_state;

static void lfu_destroy(void *st) {
  lfu_state *s = st;
  if (!s) return;
  free(s->bucket); free(s->prev); free(s->next); free(s->buckets); free(s->free_buckets); free(s);
}

static int lfu_create(void **state, tb_cache *c) {
  size_t n = (size_t)c->capacity + 1;
  lfu_state *s = calloc(1, sizeof *s);
  if (s) {
    s->bucket = malloc(n * sizeof *s->bucket);
    s->prev = malloc(n * sizeof *s->prev);
    s->next = malloc(n * sizeof *s->next);
    s->buckets = malloc(n * sizeof *s->buckets);
    s->free_buckets = malloc(n * sizeof *s->free_buckets);
  }
  if (!s || !s->bucket || !s->prev || !s->next || !s->buckets || !s->free_buckets) {
    lfu_destroy(s);
    return tb_fail(TB_ERR_NOMEM, "lfu: out of memory for %d slots", c->capacity);
  }
  for (size_t i = 0; i < n; i++) s->free_buckets[i] = (int32_t)(n - 1 - i);
  s->free_top = (int)n;
  s->lowest = -1;
  *state = s;
  return TB_OK;
}

/* A new empty bucket of `count` placed just above `lower` (-1: at the bottom). */
static int32_t bucket_new(lfu_state *s, int64_t count, int32_t lower) {
  int32_t b = s->free_buckets[--s->free_top];
  lfu_bucket *nb = &s->buckets[b];
  nb->count = count;
  nb->head = nb->tail = -1;
  nb->lower = lower;
  nb->higher = lower >= 0 ? s->buckets[lower].higher : s->lowest;
  if (nb->higher >= 0) s->buckets[nb->higher].lower = b;
  if (lower >= 0) s->buckets[lower].higher = b; else s->lowest = b;
  return b;
}

static void bucket_release(lfu_state *s, int32_t b) {
  lfu_bucket *ob = &s->buckets[b];
  if (ob->lower >= 0) s->buckets[ob->lower].higher = ob->higher; else s->lowest = ob->higher;
  if (ob->higher >= 0) s->buckets[ob->higher].lower = ob->lower;
  s->free_buckets[s->free_top++] = b;
}

static void push_mru(lfu_state *s, int32_t b, int slot) {
  lfu_bucket *bk = &s->buckets[b];
  s->bucket[slot] = b;
  s->prev[slot] = -1;
  s->next[slot] = bk->head;
  if (bk->head >= 0) s->prev[bk->head] = slot; else bk->tail = slot;
  bk->head = slot;
}

/* Unlinks the slot from its bucket, releasing the bucket when it empties. */
static void unlink_slot(lfu_state *s, int slot) {
  int32_t b = s->bucket[slot];
  lfu_bucket *bk = &s->buckets[b];
  if (s->prev[slot] >= 0) s->next[s->prev[slot]] = s->next[slot]; else bk->head = s->next[slot];
  if (s->next[slot] >= 0) s->prev[s->next[slot]] = s->prev[slot]; else bk->tail = s->prev[slot];
  if (bk->head < 0) bucket_release(s, b);
}

static void lfu_on_insert(void *st, tb_cache *c, int slot, const tb_req *r) {
  lfu_state *s = st;
  int32_t b = s->lowest >= 0 && s->buckets[s->lowest].count == 1 ? s->lowest : bucket_new(s, 1, -1);
  push_mru(s, b, slot);
}

static void lfu_on_hit(void *st, tb_cache *c, int slot, const tb_req *r) {
  lfu_state *s = st;
  int32_t b = s->bucket[slot];
  int64_t count = s->buckets[b].count + 1;
  int32_t up = s->buckets[b].higher;
  if (up < 0 || s->buckets[up].count != count) up = bucket_new(s, count, b);
  unlink_slot(s, slot);
  push_mru(s, up, slot);
}

static int lfu_victim(void *st, tb_cache *c, const tb_req *r) {
  lfu_state *s = st;
  for (int32_t b = s->lowest; b >= 0; b = s->buckets[b].higher)
    for (int32_t i = s->buckets[b].tail; i >= 0; i = s->prev[i])
      if (tb_slot_evictable(&c->slots[i])) return i;
  return -1;
}

static void lfu_on_evict(void *st, tb_cache *c, int slot) { unlink_slot(st, slot); }

const tb_policy_ops tb_policy_lfu = {
  .name = "lfu",
  .help = "Least frequently used: evicts the entry with the fewest requests since it was "
          "cached, the least recently used among ties. Counts reset on eviction (in-cache LFU); "
          "O(1) frequency buckets (Shah, Mitra & Matani 2010).",
  .create = lfu_create,
  .destroy = lfu_destroy,
  .on_hit = lfu_on_hit,
  .victim = lfu_victim,
  .on_insert = lfu_on_insert,
  .on_evict = lfu_on_evict,
};
