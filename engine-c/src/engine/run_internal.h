/* run_internal.h — the state of one run, shared by the run_*.c files, split by lifetime:
 * settings resolved at open (immutable), the expert store and routing (read-only), and the run
 * state (buffers, slots, reads, counters) allocated and touched at open, never in the loop. */
#ifndef TB_RUN_INTERNAL_H
#define TB_RUN_INTERNAL_H

#include "run.h"
#include "../backend/backend.h"
#include "../cache/cache.h"
#include "../cache/pin.h"
#include "../io/io.h"
#include "../kernels/kernels.h"
#include "../model/model.h"
#include "../prefetch/prefetch.h"
#include "../routing/routing.h"
#include "../util/common.h"

/* Counters are laid out so that stage s has its wall at dense_wall_s + s, its CPU at dense_cpu_s + s. */
_Static_assert(TB_C_combine_wall_s - TB_C_dense_wall_s == TB_STAGE_combine, "stage wall counters in stage order");
_Static_assert(TB_C_combine_cpu_s - TB_C_dense_cpu_s == TB_STAGE_combine, "stage CPU counters in stage order");

/* One routed expert of the layer being run: where its bytes are and how they got there. */
typedef struct tb_fetch {
  int expert;              /* id from the routing */
  int result;              /* TB_CACHE_HIT / TB_CACHE_MISS_FILL / TB_CACHE_MISS_BYPASS */
  int slot;                /* cache slot (HIT, MISS_FILL) or -1 */
  const uint8_t *bytes;    /* record bytes: the slot's or a scratch buffer (valid once ready) */
  int ready;               /* bytes are in: a hit, or its read has been reaped */
  int late;                /* a hit on a prefetch still in flight: ready when that read is reaped */
  int computed;            /* y[k] holds this expert's output */
  int64_t page_cache_bytes, device_bytes;  /* source judged just before the read, bytes */
  tb_read read;            /* its read, when it needs one (owned here, reused every layer) */
} tb_fetch;

/* A prefetch read: into a cache slot, or (no application cache) a read-and-discard that warms
 * the page cache. A pool of them is allocated at open; read.user points back here. */
typedef struct {
  tb_read read;            /* kind TB_READ_PREFETCH */
  int cache, slot;         /* slot it fills; cache -1 = a warm read into a discard buffer */
  int32_t key;             /* layer·experts + expert */
  tb_fetch *waiter;        /* the demand fetch that found it late, or NULL */
  int next_free;           /* free-list link (index into the pool), -1 = end */
} tb_pf_read;

/* Page-cache warm state of a key (no application cache), until its next demand judges it. */
enum { TB_WARM_NONE = 0, TB_WARM_READING = 1, TB_WARM_DONE = 2 };

struct tb_run {
  /* ---- settings, resolved at open and immutable after ---- */
  tb_config cfg;           /* copy of the resolved configuration */
  int layers, experts, hidden, k, tokens;
  int overlapped;          /* exec.mode: 0 serial, 1 overlapped */
  int direct_mode;         /* TB_DIRECT_* */
  int fadvise;             /* TB_FADVISE_* */
  int per_layer;           /* cache.scope: 1 = one cache per layer */
  int moves_bytes;         /* 0 for the null I/O engine: no bytes, no source attribution */
  int fault_stage;         /* TB_STAGE_* or -1 */
  int pf_deterministic;    /* prefetch.mode: each prefetch completes before the next lookup */
  int pf_hint;             /* prefetch.warm=hint: warm the page cache by WILLNEED, not a read */
  int pin_window;          /* tokens counted before pinning (pin.window), 0 = none */
  int pin_top_n;           /* pins per cache */
  double fault_sleep_s, fault_spin_s;   /* per token, seconds */
  long page_bytes;         /* bytes per page, for mincore */

  /* ---- expert store and routing (read-only during the loop) ---- */
  tb_model model;
  int model_open;
  char **paths;            /* [layers] layer file paths, for read error messages */
  tb_routing routing;      /* [tokens][layers][k] ids, weights, next use */
  int routing_open;

  /* ---- plugins ---- */
  const tb_kernel_variant *kern;
  tb_pool *pool;
  const tb_backend_ops *backend_ops;
  tb_backend *backend;
  const tb_io_ops *io_ops;
  tb_io *io;
  tb_cache *cache[TB_MAX_LAYERS];  /* [1] global or [layers] per-layer */
  int n_caches;
  tb_prefetcher *prefetcher;       /* NULL: no prefetch (predictor none, or depth 0) */

  /* ---- run state: allocated and touched at open ---- */
  uint8_t *arena;          /* [capacity of all caches][slot_stride] slot bytes, one allocation */
  uint8_t *scratch;        /* [k][slot_stride] bypass buffers */
  int64_t slot_stride;     /* bytes: record size rounded up to TB_ALIGN */
  tb_fetch *fetch;         /* [k] */
  tb_read **done;          /* [k + pf_cap] reap output */
  tb_prefetch_issue *pf_issues;  /* [tb_prefetcher_max_issues] one prefetch step's */
  tb_pf_read *pf_reads;    /* [pf_cap] prefetch reads */
  int pf_cap;              /* prefetch reads that may be in flight at once ((depth + 1) x k) */
  int pf_free;             /* free-list head into pf_reads, -1 when all are in flight */
  uint8_t *pf_discard;     /* [pf_cap][slot_stride] warm-read buffers (no application cache) */
  uint8_t *warm;           /* [layers][experts] TB_WARM_* (no application cache) */
  double *pin_weight;      /* [layers][experts] requests counted in the pin window */
  int32_t *pin_order;      /* [layers][experts] scratch of the pin choice */
  int32_t *pin_keys;       /* [layers][experts] the chosen keys */
  tb_pin_fill *pin_fills;  /* [layers][experts] pins whose bytes must be loaded */
  float *x;                /* [hidden] hidden state */
  float *xn;               /* [hidden] rmsnorm(x): input of dense matrices and experts */
  float *tmp;              /* [hidden] a dense matrix's output */
  float *shared_y;         /* [hidden] shared expert output */
  float *y;                /* [k][hidden] routed expert outputs, in routing order */
  const float **y_ptr;     /* [k] rows of y, for tb_combine */
  float *w;                /* [k] gate weights of the layer, routing order */
  tb_ffn_scratch ffn;      /* [max(ffn, shared_ffn)] each */
  uint8_t *touched;        /* [layers][experts] first-touch: 1 once read through O_DIRECT */
  unsigned char *residency;/* [pages of a record + 2] mincore output */
  double *token_times;     /* [tokens] seconds */
  double *layer_stats;     /* [layers][TB_LAYER_COUNTER_COUNT] */
  double *token_counters;  /* [tokens][TB_TOKEN_COUNTER_COUNT] */

  /* ---- counters and clocks ---- */
  double c[TB_COUNTER_COUNT];  /* accumulated by the loop; cache counters are read from caches */
  double min_lag_s;        /* smallest issue − release over demand reads; +inf before any */
  double release_t;        /* tb_now() when the current layer's routing was released */
  int stage;               /* TB_STAGE_* the loop is in */
  double clock_wall, clock_cpu;   /* when the current stage was entered: tb_now, thread CPU */
  double layer_t0;         /* tb_now() at the current layer's start */
  int in_flight;           /* reads the current layer waits for (demand, late prefetch) */
  int pf_in_flight;        /* prefetch reads submitted and not yet reaped */
  int late_pending;        /* of in_flight: late prefetch reads the current layer waits for */
  int pins_placed;         /* pin.window: the pins have been placed */
  /* prefetch outcomes the cache template cannot see (it counts fills, first uses, evictions) */
  int64_t late_app;        /* demand hits on a prefetch still in flight */
  int64_t warm_dups;       /* warms skipped: the key was already being warmed */
  int64_t warm_outstanding;/* warms not judged by a demand yet */
  int64_t warm_useful, warm_late, warm_wasted;   /* judged at the key's next demand read */
  tb_cache *batch_cache;   /* cache whose batch (the previous layer's requests) is still open */
  int layer;               /* layer being run */
  int fault_done;          /* the per-token injected delay has run this token */
  int64_t tokens_done;
  uint64_t hash;           /* FNV-1a over every finished token's final hidden state */
  int failed;              /* an error stopped the run; further steps are refused */
};

/* Stage clock: every instant of a token belongs to the stage entered last. */
void tb_run_fault_delay(tb_run *r);
static inline void tb_run_stage(tb_run *r, int s) {
  double w = tb_now(), c = tb_thread_cpu();
  r->c[TB_C_dense_wall_s + r->stage] += w - r->clock_wall;
  r->c[TB_C_dense_cpu_s + r->stage] += c - r->clock_cpu;
  if (r->stage == TB_STAGE_wait)
    r->layer_stats[r->layer * TB_LAYER_COUNTER_COUNT + TB_L_wait_s] += w - r->clock_wall;
  r->clock_wall = w;
  r->clock_cpu = c;
  r->stage = s;
  if (s == r->fault_stage && !r->fault_done) tb_run_fault_delay(r);
}

static inline tb_cache *tb_run_cache(tb_run *r, int layer) {
  return r->cache[r->per_layer ? layer : 0];
}

/* run_compute.c: the arithmetic of a token. */
void tb_run_embed(tb_run *r, int64_t token);
void tb_run_dense(tb_run *r, int layer);
void tb_run_expert_input(tb_run *r);
int tb_run_shared_expert(tb_run *r, int layer);
int tb_run_routed_expert(tb_run *r, int k);
/* A device backend starts the FFNs queued so far (so it computes while later reads are waited
 * for) / waits for all of them, adding its device time to expert_device_s; no-ops on cpu. */
int tb_run_experts_submit(tb_run *r);
int tb_run_experts_finish(tb_run *r);
int tb_run_combine(tb_run *r);
void tb_run_hash_token(tb_run *r);

/* run_fetch.c: routing release, cache lookups, reads and their attribution. */
int64_t tb_run_resident_bytes(tb_run *r, int layer, int64_t offset, int64_t size);
int tb_run_use_direct(tb_run *r, int layer, int expert);
void tb_run_release(tb_run *r, int64_t token, int layer);
void tb_run_lookup(tb_run *r, int64_t token, int layer);
int tb_run_submit(tb_run *r);
/* Reap finished reads (at least one when block), mark them ready. Returns how many were
 * reaped, or an error after draining every read in flight. */
int tb_run_reap(tb_run *r, int block);
int tb_run_pending(const tb_run *r);
/* The layer's wait for its reads: one blocking reap, timed as prefetch_wait_s when all the
 * layer still waits for is late prefetch reads. */
int tb_run_wait(tb_run *r);

/* run_prefetch.c: the prefetch step's reads and warms, their completion, late demand, and the
 * settling of prefetch reads before a lookup (deterministic: all done; async: reap finished). */
int tb_run_prefetch_open(tb_run *r);
int tb_run_prefetch(tb_run *r, int64_t token, int layer);
int tb_run_prefetch_settle(tb_run *r);
void tb_run_prefetch_done(tb_run *r, tb_read *rd);
void tb_run_prefetch_late(tb_run *r, tb_fetch *f, tb_slot *s);
void tb_run_prefetch_judge_warm(tb_run *r, tb_fetch *f, int32_t key);

/* run_pin.c: pins from pin.file at open, or from the pin window once it has run. */
int tb_run_pin_open(tb_run *r);
int tb_run_pin_window(tb_run *r);

#endif
