/* prefetch.h — prefetchers: a table of predictors (what experts a later layer will want) and
 * one driver that turns their predictions into cache insertions, shared by the timed engine
 * and the trace-driven simulator, so both see the same predictions, fills and drops.
 * Adding a predictor = one file defining a tb_predictor_ops + one line in prefetch_registry.c.
 *
 * DESIGN §1: the demand path never peeks at routing it has not released; a predictor may read
 * across layers, and what it reads is accounted as prefetch. A predictor sees routing through
 * a view that only hands out released rows, unless it declares needs_future (the oracle). */
#ifndef TB_PREFETCH_H
#define TB_PREFETCH_H

#include <stdint.h>
#include "../cache/cache.h"
#include "../routing/routing.h"

/* What a predictor may read when it predicts. Positions are flat: token·layers + layer. */
typedef struct {
  const tb_routing *routing;
  int64_t now;             /* position whose routing was released last */
  int future;              /* 1 when the predictor declared needs_future */
} tb_prefetch_view;

/* The k ids of (token, layer) if that routing has been released (position ≤ now), else NULL. */
const int32_t *tb_prefetch_released(const tb_prefetch_view *v, int64_t token, int layer);
/* The k ids of any (token, layer), for predictors that declared needs_future; NULL for others. */
const int32_t *tb_prefetch_future(const tb_prefetch_view *v, int64_t token, int layer);

/* Settings a predictor may need at create. */
typedef struct {
  int tokens, layers, experts, k;
  const char *trace;       /* prefetch.trace: predictions file (the replay predictor) */
} tb_prefetch_env;

typedef struct {
  const char *name;
  const char *help;        /* one paragraph: what it predicts, where it comes from */
  int needs_future;        /* 1: reads routing not yet released (an upper bound, not a method) */
  int needs_trace;         /* 1: reads prefetch.trace */
  int (*create)(void **state, const tb_prefetch_env *env);   /* NULL: no state */
  void (*destroy)(void *state);
  /* Experts (ids in 0..experts, distinct) predicted for (token, layer), a position after
   * v->now, into out[0..max); max is k. Returns how many. Never allocates. */
  int (*predict)(void *state, const tb_prefetch_view *v, int64_t token, int layer, int32_t *out, int max);
} tb_predictor_ops;

extern const tb_predictor_ops *const tb_predictors[];
extern const int tb_predictor_count;
const tb_predictor_ops *tb_predictor_find(const char *name);

/* One predicted expert that needs bytes: a cache slot to fill, or (no application cache) the
 * page cache to warm. */
typedef struct {
  int layer, expert;
  int32_t key;             /* layer·experts + expert */
  int cache;               /* index into the caches given to the step; -1 = warm the page cache */
  int slot;                /* slot left FILLING in that cache; -1 when warming */
} tb_prefetch_issue;

typedef struct tb_prefetcher tb_prefetcher;

typedef struct {
  int depth;               /* prefetch.depth: positions (layers) ahead, ≥ 1 */
  int per_layer;           /* caches are one per layer (cache.scope per-layer), else one */
  int next_use;            /* 1: give prefetch insertions their true next use (the policy is OPT) */
} tb_prefetcher_params;

/* Create the driver for `ops` over routing `rt` (which must outlive it). */
int tb_prefetcher_create(tb_prefetcher **out, const tb_predictor_ops *ops, const tb_prefetch_env *env,
                         const tb_prefetcher_params *p, const tb_routing *rt);
void tb_prefetcher_destroy(tb_prefetcher *p);
/* Most issues one step can return (the size of its out array). */
int tb_prefetcher_max_issues(const tb_prefetcher *p);
/* The prefetch step of position (token, layer), called after that position's demand lookups
 * and before the next position's batch ends: predicts every position up to depth ahead not
 * predicted yet, and offers each predicted expert to the cache of its layer (tb_cache_prefetch).
 * Writes the predictions that need bytes to out and returns their count. Never allocates. */
int tb_prefetcher_step(tb_prefetcher *p, tb_cache *const *caches, int64_t token, int layer,
                       tb_prefetch_issue *out);

/* The driver's counters: every prediction is exactly one of resident (already in the
 * application cache), dropped (refused, or no slot free of pins and the batch in use) or issued. */
typedef struct {
  int64_t predictions, resident, dropped, issued;
} tb_prefetch_counts;
void tb_prefetcher_counts(const tb_prefetcher *p, tb_prefetch_counts *out);

#endif
