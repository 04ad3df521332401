/* cache.c — the shared request template of the application cache (see cache.h): it owns the
 * slots, the key→slot map, the free list and every counter; policies are only asked to decide.
 * Everything is allocated at create; access, prefetch, pin and end_batch never allocate. */
#include "cache.h"
#include "../util/common.h"
#include <stdlib.h>
#include <string.h>

int tb_cache_create(tb_cache **out, const tb_policy_ops *ops, int capacity, int keys, int64_t record_bytes) {
  *out = NULL;
  if (!ops) return tb_fail(TB_ERR_ARG, "cache: no policy");
  if (capacity < 0 || keys <= 0)
    return tb_fail(TB_ERR_ARG, "cache: capacity %d must be >= 0 and keys %d > 0", capacity, keys);
  if (ops->no_storage) capacity = 0;
  tb_cache *c = calloc(1, sizeof *c);
  if (!c) return tb_fail(TB_ERR_NOMEM, "cache: out of memory");
  c->ops = ops;
  c->capacity = capacity;
  c->keys = keys;
  c->record_bytes = record_bytes;
  /* +1 so that capacity 0 still gets valid (unused) arrays */
  c->slots = calloc((size_t)capacity + 1, sizeof *c->slots);
  c->map = malloc((size_t)keys * sizeof *c->map);
  c->free_list = malloc(((size_t)capacity + 1) * sizeof *c->free_list);
  c->busy_list = malloc(((size_t)capacity + 1) * sizeof *c->busy_list);
  if (!c->slots || !c->map || !c->free_list || !c->busy_list) {
    tb_cache_destroy(c);
    return tb_fail(TB_ERR_NOMEM, "cache: out of memory for %d slots, %d keys", capacity, keys);
  }
  for (int k = 0; k < keys; k++) c->map[k] = -1;
  /* free stack pops slot 0 first, so slots fill in index order */
  for (int i = 0; i < capacity; i++) {
    c->slots[i].key = -1;
    c->free_list[i] = capacity - 1 - i;
  }
  c->free_top = capacity;
  if (ops->create) {
    int rc = ops->create(&c->pstate, c);
    if (rc < 0) { c->ops = NULL; tb_cache_destroy(c); return rc; }
  }
  *out = c;
  return TB_OK;
}

void tb_cache_destroy(tb_cache *c) {
  if (!c) return;
  if (c->ops && c->ops->destroy) c->ops->destroy(c->pstate);
  free(c->slots);
  free(c->map);
  free(c->free_list);
  free(c->busy_list);
  free(c);
}

static void mark_busy(tb_cache *c, int slot) {
  if (c->slots[slot].busy) return;
  c->slots[slot].busy = 1;
  c->busy_list[c->busy_count++] = slot;   /* ≤ capacity: each slot listed at most once */
}

void tb_cache_end_batch(tb_cache *c) {
  for (int i = 0; i < c->busy_count; i++) c->slots[c->busy_list[i]].busy = 0;
  c->busy_count = 0;
}

static void evict(tb_cache *c, int slot) {
  tb_slot *s = &c->slots[slot];
  if (c->ops->on_evict) c->ops->on_evict(c->pstate, c, slot);
  if (s->prefetched) c->prefetch_evicted_unused++;
  c->map[s->key] = -1;
  s->key = -1;
  s->state = TB_SLOT_FREE;
  s->prefetched = 0;
  s->io = NULL;
  c->free_list[c->free_top++] = slot;
  c->used--;
  c->evictions++;
}

/* Make room for one more entry: a free slot, or an evicted victim. -1 when none can be had. */
static int take_slot(tb_cache *c, const tb_req *r) {
  if (c->capacity == 0) return -1;
  if (c->free_top == 0) {
    int v = c->ops->victim ? c->ops->victim(c->pstate, c, r) : -1;
    if (v < 0 || v >= c->capacity || !tb_slot_evictable(&c->slots[v])) return -1;
    evict(c, v);
  }
  int slot = c->free_list[--c->free_top];
  tb_slot *s = &c->slots[slot];
  s->key = r->key;
  s->state = TB_SLOT_FILLING;
  s->prefetched = (uint8_t)(r->prefetch != 0);
  c->map[r->key] = slot;
  c->used++;
  if (c->used > c->peak_used) c->peak_used = c->used;
  return slot;
}

int tb_cache_access(tb_cache *c, const tb_req *r, int *slot_out) {
  *slot_out = -1;
  c->requests++;
  int slot = c->map[r->key];
  if (slot >= 0) {
    c->hits++;
    if (c->slots[slot].prefetched) {   /* the first demand use of a prefetched entry */
      c->slots[slot].prefetched = 0;
      c->prefetch_used++;
    }
    if (c->ops->on_hit) c->ops->on_hit(c->pstate, c, slot, r);
    mark_busy(c, slot);
    *slot_out = slot;
    return TB_CACHE_HIT;
  }
  c->misses++;
  int admit = c->ops->on_miss ? c->ops->on_miss(c->pstate, c, r) : 1;
  slot = admit ? take_slot(c, r) : -1;
  if (slot < 0) {
    c->bypasses++;
    return TB_CACHE_MISS_BYPASS;
  }
  c->insertions++;
  if (c->ops->on_insert) c->ops->on_insert(c->pstate, c, slot, r);
  mark_busy(c, slot);
  *slot_out = slot;
  return TB_CACHE_MISS_FILL;
}

int tb_cache_peek(const tb_cache *c, int32_t key) {
  return key >= 0 && key < c->keys ? c->map[key] : -1;
}

int tb_cache_pin(tb_cache *c, const tb_req *r, int *slot_out) {
  *slot_out = -1;
  int slot = c->map[r->key];
  int rc = TB_CACHE_HIT;
  if (slot < 0) {
    tb_req q = *r;
    q.pin = 1;
    /* the policy's ghost bookkeeping and victim choice start in on_miss, as for a miss;
     * a pin is admitted whatever it answers */
    if (c->ops->on_miss) c->ops->on_miss(c->pstate, c, &q);
    slot = take_slot(c, &q);
    if (slot < 0)
      return tb_fail(TB_ERR_ARG, "cache: cannot pin layer %d expert %d: all %d slots pinned or busy",
                     q.layer, q.expert, c->capacity);
    if (c->ops->on_insert) c->ops->on_insert(c->pstate, c, slot, &q);
    rc = TB_CACHE_MISS_FILL;
  }
  if (!c->slots[slot].pinned) {
    c->slots[slot].pinned = 1;
    c->pinned_slots++;
  }
  *slot_out = slot;
  return rc;
}

int tb_cache_prefetch(tb_cache *c, const tb_req *r, int *slot_out) {
  *slot_out = -1;
  if (c->map[r->key] >= 0) return TB_CACHE_HIT;
  int admit = c->ops->on_miss ? c->ops->on_miss(c->pstate, c, r) : 1;
  int slot = admit ? take_slot(c, r) : -1;
  if (slot < 0) return TB_CACHE_MISS_BYPASS;
  c->prefetch_fills++;
  if (c->ops->on_insert) c->ops->on_insert(c->pstate, c, slot, r);
  mark_busy(c, slot);
  *slot_out = slot;
  return TB_CACHE_MISS_FILL;
}

int tb_cache_prefetched_unused(const tb_cache *c) {
  int n = 0;
  for (int i = 0; i < c->capacity; i++) n += c->slots[i].key >= 0 && c->slots[i].prefetched;
  return n;
}
