/* cache.h — the application expert cache: one shared request template (after libCacheSim)
 * that owns the slots, the id→slot map and the counters, and a table of policies that only
 * decide hit handling, admission and victims. Pure bookkeeping — no I/O — so the timed
 * engine and the trace-driven simulator run the very same policy code.
 * Adding a policy = one file defining a tb_policy_ops + one line in cache_registry.c. */
#ifndef TB_CACHE_H
#define TB_CACHE_H

#include <stdint.h>

#define TB_NEXT_USE_NEVER  INT64_MAX   /* no later request of this expert in the routing */
#define TB_NEXT_USE_UNKNOWN (-1)       /* routing future not available */

/* One request and its context. */
typedef struct {
  int layer, expert;
  int32_t key;             /* layer·experts + expert */
  int64_t token;           /* token index */
  int64_t next_use;        /* token index of this expert's next request after this one */
  int prefetch;            /* 1: a prefetcher's insertion (tb_cache_prefetch), not demand */
  int pin;                 /* 1: a pin's insertion (tb_cache_pin): admitted whatever on_miss says */
} tb_req;

enum { TB_SLOT_FREE = 0, TB_SLOT_FILLING = 1, TB_SLOT_READY = 2 };

typedef struct {
  int32_t key;             /* resident key, -1 when free */
  uint8_t state;           /* TB_SLOT_* (FILLING while its read is in flight) */
  uint8_t pinned;          /* never chosen as a victim */
  uint8_t prefetched;      /* filled by a prefetch, not yet used by demand */
  uint8_t busy;            /* touched by the current batch (see tb_cache_end_batch) */
  void *data;              /* record bytes (NULL in simulation) */
  void *io;                /* in-flight read of this slot (engine's tb_read), or NULL */
} tb_slot;

/* A slot a policy may choose as its victim: occupied, not pinned, not in use by the current
 * batch (its bytes are being read or computed on), and with no read in flight into it (an
 * asynchronous prefetch may outlive its batch). Every victim() must return one of these. */
static inline int tb_slot_evictable(const tb_slot *s) {
  return s->key >= 0 && !s->pinned && !s->busy && !s->io;
}

typedef struct tb_cache tb_cache;

typedef struct {
  const char *name;
  const char *help;        /* one paragraph: what it is, where it comes from */
  int needs_future;        /* 1: uses tb_req.next_use (OPT) */
  int no_storage;          /* 1: keeps nothing; the engine gives it capacity 0 (`none`) */
  int (*create)(void **state, tb_cache *c);   /* c->capacity, c->keys are set */
  void (*destroy)(void *state);
  void (*on_hit)(void *st, tb_cache *c, int slot, const tb_req *r);
  /* Called on every miss before any eviction (ghost bookkeeping goes here). Return 1 to
   * admit, 0 to bypass (the bytes are read but not cached). NULL = always admit. Also asked
   * for a prefetcher's insertion (r->prefetch = 1): 0 refuses the prefetch. */
  int (*on_miss)(void *st, tb_cache *c, const tb_req *r);
  /* Choose an occupied, unpinned slot to evict; -1 if none can be. */
  int (*victim)(void *st, tb_cache *c, const tb_req *r);
  void (*on_insert)(void *st, tb_cache *c, int slot, const tb_req *r);
  void (*on_evict)(void *st, tb_cache *c, int slot);
} tb_policy_ops;

struct tb_cache {
  const tb_policy_ops *ops;
  void *pstate;            /* policy's own state (per-slot metadata, ghosts) */
  int capacity;            /* slots */
  int used;                /* occupied slots */
  int keys;                /* size of the key space (layers·experts) */
  int64_t record_bytes;    /* bytes per slot */
  tb_slot *slots;          /* [capacity] */
  int32_t *map;            /* [keys] → slot index or -1 */
  int32_t *free_list;      /* [capacity] stack of free slot indices */
  int free_top;
  int32_t *busy_list;      /* [capacity] slots marked busy by the current batch */
  int busy_count;
  /* counters (the template counts; policies never do). misses include bypasses:
   * hits + misses = requests; insertions + bypasses = misses. */
  int64_t requests, hits, misses, insertions, evictions, bypasses, pinned_slots;
  int peak_used;           /* most slots ever occupied at once */
  /* prefetch counters: entries inserted by tb_cache_prefetch, the first demand hit on such an
   * entry, and such entries evicted before any demand hit. Never part of the request counts. */
  int64_t prefetch_fills, prefetch_used, prefetch_evicted_unused;
};

enum { TB_CACHE_HIT = 0, TB_CACHE_MISS_FILL = 1, TB_CACHE_MISS_BYPASS = 2 };

extern const tb_policy_ops *const tb_policies[];
extern const int tb_policy_count;
const tb_policy_ops *tb_policy_find(const char *name);

/* capacity may be 0 (every request bypasses). Slot data pointers are set by the caller. */
int tb_cache_create(tb_cache **out, const tb_policy_ops *ops, int capacity, int keys, int64_t record_bytes);
void tb_cache_destroy(tb_cache *c);
/* The request algorithm, once for every policy: find → hit; else on_miss → if admitted and
 * full, evict a victim → insert into a free slot. *slot_out is the slot (HIT, MISS_FILL) or -1.
 * A MISS_FILL slot is left in TB_SLOT_FILLING; the caller marks it READY when its bytes are in.
 * A hit or filled slot is marked busy until tb_cache_end_batch: the requests of one batch
 * (one layer of one token) never evict each other's bytes while they are read or used. A miss
 * with no evictable victim (everything pinned or busy) bypasses. */
int tb_cache_access(tb_cache *c, const tb_req *r, int *slot_out);
/* End the current batch: its slots become evictable again. Callers (engine and simulator
 * alike) call it after each layer of each token, so both see the same hits and misses. */
void tb_cache_end_batch(tb_cache *c);
/* Look without counting or changing recency. */
int tb_cache_peek(const tb_cache *c, int32_t key);
/* Insert and pin (profile pins); counts inside capacity. Not a request: request counters are
 * unchanged. A key already resident is pinned in place; any other is inserted as a miss would
 * be (on_miss for ghost bookkeeping, with r->pin set and its answer overridden, then victim
 * and on_insert). Returns TB_CACHE_MISS_FILL (slot left
 * FILLING for the caller to fill), TB_CACHE_HIT (already resident) or TB_ERR_ARG when no
 * slot can be had (every slot pinned). */
int tb_cache_pin(tb_cache *c, const tb_req *r, int *slot_out);
/* A prefetcher's insertion (r->prefetch = 1), not a request: request counters are unchanged.
 * TB_CACHE_HIT when the key is already resident (nothing changes, recency included);
 * TB_CACHE_MISS_FILL when admitted: the slot is left FILLING, flagged prefetched and busy for
 * the current batch, like a demand fill; TB_CACHE_MISS_BYPASS when the policy refuses it or
 * no slot can be had (everything pinned or busy) — a prefetch never evicts the batch in use. */
int tb_cache_prefetch(tb_cache *c, const tb_req *r, int *slot_out);
/* Resident entries filled by a prefetch and not yet hit by demand (a scan: for statistics). */
int tb_cache_prefetched_unused(const tb_cache *c);

/* A policy name that stands for a policy plus a prefetch predictor (`prefetch` = lru +
 * temporal): resolved here, where policy names are, so engine and simulator agree. */
typedef struct { const char *name, *policy, *predictor, *help; } tb_policy_alias;
extern const tb_policy_alias tb_policy_aliases[];
extern const int tb_policy_alias_count;
/* The policy `name` means, and the predictor it implies (NULL: none implied). NULL when
 * neither a policy nor an alias has that name. */
const tb_policy_ops *tb_policy_resolve(const char *name, const char **predictor);

#endif
