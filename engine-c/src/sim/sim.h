/* sim.h — the trace-driven simulator: replays a materialised routing through cache policies ×
 * capacities with the very policy code the engine runs (no I/O, deterministic), the
 * application cache alone and in front of the page-cache model, one cell per thread. */
#ifndef TB_SIM_H
#define TB_SIM_H

#include <stdint.h>
#include "../cache/cache.h"
#include "../prefetch/prefetch.h"
#include "../routing/routing.h"
#include "pagecache_model.h"

enum { TB_SIM_DIRECT_OFF = 0, TB_SIM_DIRECT_ON = 1, TB_SIM_DIRECT_FIRST_TOUCH = 2 };  /* io.direct */

/* What every cell shares (read-only while cells run). */
typedef struct {
  const tb_routing *routing;  /* tokens × layers × k, next_use filled */
  int per_layer;              /* cache.scope: 1 = one cache per layer, each of `capacity` entries */
  int warmup_tokens;          /* tokens replayed before counting starts (0 = count compulsory misses) */
  int64_t record_bytes;       /* bytes per expert record */
  int direct;                 /* TB_SIM_DIRECT_*: how an application-cache miss is read */
  /* Page-cache model behind the application cache: its capacity is page_cache_bytes less the
   * application cache's bytes (the application cache comes out of the page cache's share). */
  int pc_kind;                /* TB_PC_OFF / TB_PC_LRU / TB_PC_2Q */
  double page_cache_bytes;    /* page cache available to the model, application cache included */
  int64_t readahead_bytes;
  double active_fraction;     /* TB_PC_2Q */
  /* Prefetch (prefetch.*), replayed as the engine runs it with prefetch.mode=deterministic:
   * each prediction enters the cache after its position's lookups, before the next. NULL =
   * none, unless a cell's policy alias implies a predictor. The page cache warms (no
   * application cache) go through the page-cache model. */
  const tb_predictor_ops *predictor;
  int prefetch_depth;         /* positions (layers) ahead, >= 1 when predicting */
  tb_prefetch_env prefetch_env;   /* what a predictor may need (replay: its trace) */
  /* Pins (pin.*): the pin_top_n heaviest experts of pin_profile ([layers·experts]) before the
   * first token, or, with pin_window > 0, of the requests of the first pin_window tokens once
   * they have run. */
  int pin_top_n, pin_window;
  const double *pin_profile;
} tb_sim_setup;

/* One policy × capacity. Counts cover the tokens after warm-up. */
typedef struct {
  const tb_policy_ops *policy;
  int entries;                /* asked: entries per cache (as cache.entries) */
  const tb_predictor_ops *predictor;   /* a policy alias's predictor (prefetch = lru + temporal);
                                          NULL = the setup's */
  /* ---- results ---- */
  int status;                 /* TB_OK, or the error that stopped this cell */
  char error[256];            /* its message (the worker thread's tb_last_error) */
  int capacity;               /* entries per cache after the engine's rules (none → 0; at most
                                 the key space of the cache) */
  int64_t requests, hits, misses, insertions, bypasses, evictions;
  int64_t direct_reads, buffered_reads;
  double requested_bytes;     /* requests · record bytes */
  double page_cache_bytes;    /* bytes of buffered reads found resident in the page-cache model */
  double device_bytes;        /* bytes read from the device, readahead included */
  double readahead_bytes;     /* device bytes beyond the records asked for */
  double pc_capacity_bytes;   /* capacity the page-cache model had */
  int64_t *layer_requests, *layer_hits;   /* [layers], caller-provided, or NULL */
  /* prefetch, as the engine counts it (stats.h): predictions = resident + dropped + issued;
   * issued = useful + wasted (nothing is late in a replay) */
  int64_t prefetch_predictions, prefetch_resident, prefetch_dropped, prefetch_issued;
  int64_t prefetch_useful, prefetch_wasted;
  int64_t prefetch_reads;     /* reads of the issued predictions (fills and page-cache warms) */
  double prefetch_page_cache_bytes, prefetch_device_bytes;
  int64_t pinned;             /* pinned entries, all caches */
} tb_sim_cell;

/* Replays the routing through one cell on the calling thread (its inputs — policy, entries,
 * predictor and the layer arrays — stay; every result starts from zero: a new input field must
 * be kept in tb_sim_replay's reset too); *cancel (may be NULL) is polled
 * once per token (→ TB_ERR_CANCELLED). */
int tb_sim_replay(const tb_sim_setup *s, tb_sim_cell *cell, volatile int *cancel);

/* Cells run on worker threads, each taking the next cell; started and awaited in steps so a
 * caller can report progress and cancel. */
typedef struct tb_sim_job tb_sim_job;
int tb_sim_job_start(tb_sim_job **out, const tb_sim_setup *s, tb_sim_cell *cells, int n, int threads);
/* Waits up to budget_s for every cell: TB_OK when all are done, TB_MORE otherwise.
 * *done gets the cells finished so far. */
int tb_sim_job_wait(tb_sim_job *j, double budget_s, int *done);
/* Cells not yet started are skipped (status TB_ERR_CANCELLED); running ones stop at a token. */
void tb_sim_job_cancel(tb_sim_job *j);
/* Waits for the workers and frees the job (the cells stay the caller's). */
void tb_sim_job_free(tb_sim_job *j);
/* start + wait + free: every cell on `threads` threads (0 = one per online CPU). Returns the
 * first failing cell's status, else TB_OK. */
int tb_sim_run(const tb_sim_setup *s, tb_sim_cell *cells, int n, int threads);

#endif
