/* run_open.c — tb_run_open / tb_run_close: resolve the settings, open the expert store and the
 * routing, create kernel pool, backend, I/O engine and caches, and allocate and touch every
 * buffer the token loop uses, so that the loop itself never allocates. */
#define _GNU_SOURCE
#include "run_internal.h"
#include "../routing/routing_config.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Index of `value` in names[0..n), or -1. */
static int pick(const char *value, const char *const *names, int n) {
  for (int i = 0; i < n; i++)
    if (strcmp(value, names[i]) == 0) return i;
  return -1;
}

static int resolve_settings(tb_run *r, const tb_config *cfg) {
  static const char *const modes[] = { "serial", "overlapped" };
  static const char *const direct[] = { "off", "on", "first-touch" };     /* TB_DIRECT_* order */
  static const char *const fadv[] = { "normal", "random", "sequential" };  /* TB_FADVISE_* order */
  static const char *const scopes[] = { "global", "per-layer" };
  if ((r->overlapped = pick(cfg->exec_mode, modes, 2)) < 0)
    return tb_fail(TB_ERR_ARG, "exec.mode '%s': must be serial or overlapped", cfg->exec_mode);
  if ((r->direct_mode = pick(cfg->io_direct, direct, 3)) < 0)
    return tb_fail(TB_ERR_ARG, "io.direct '%s': must be off, on or first-touch", cfg->io_direct);
  if ((r->fadvise = pick(cfg->io_fadvise, fadv, 3)) < 0)
    return tb_fail(TB_ERR_ARG, "io.fadvise '%s': must be normal, random or sequential", cfg->io_fadvise);
  if ((r->per_layer = pick(cfg->cache_scope, scopes, 2)) < 0)
    return tb_fail(TB_ERR_ARG, "cache.scope '%s': must be global or per-layer", cfg->cache_scope);
  r->fault_stage = strcmp(cfg->fault_stage, "none") == 0 ? -1
                 : pick(cfg->fault_stage, tb_stage_names, TB_STAGE_COUNT);
  if (r->fault_stage < 0 && strcmp(cfg->fault_stage, "none") != 0)
    return tb_fail(TB_ERR_ARG, "fault.stage '%s': must be none or a stage name", cfg->fault_stage);
  r->fault_sleep_s = cfg->fault_sleep_ms * 1e-3;
  r->fault_spin_s = cfg->fault_spin_ms * 1e-3;
  if (cfg->run_tokens <= 0) return tb_fail(TB_ERR_ARG, "run.tokens %d: must be > 0", cfg->run_tokens);
  if (!(cfg->dense_passes >= 0)) return tb_fail(TB_ERR_ARG, "dense.passes %g: must be >= 0", cfg->dense_passes);
  r->tokens = cfg->run_tokens;
  return TB_OK;
}

static int open_store(tb_run *r) {
  int rc = tb_model_open(&r->model, r->cfg.model_dir);
  if (rc < 0) return rc;
  r->model_open = 1;
  const tb_geometry *g = &r->model.g;
  r->layers = g->layers;
  r->experts = g->experts;
  r->hidden = g->hidden;
  r->k = r->cfg.routing_k > 0 ? r->cfg.routing_k : g->k;
  if (r->k > r->experts)
    return tb_fail(TB_ERR_ARG, "routing.k %d: this model has %d experts per layer", r->k, r->experts);
  r->paths = calloc((size_t)r->layers, sizeof *r->paths);
  if (!r->paths) return tb_fail(TB_ERR_NOMEM, "run: out of memory");
  for (int l = 0; l < r->layers; l++) {
    char name[64];
    tb_layer_file_name(l, name, sizeof name);
    size_t n = strlen(r->model.dir) + strlen(name) + 2;
    if (!(r->paths[l] = malloc(n))) return tb_fail(TB_ERR_NOMEM, "run: out of memory");
    snprintf(r->paths[l], n, "%s/%s", r->model.dir, name);
  }
  if (r->direct_mode != TB_DIRECT_OFF) {
    if (r->model.rec.size % TB_DIRECT_ALIGN != 0)
      return tb_fail(TB_ERR_ARG, "io.direct=%s: expert records of %lld bytes are not a multiple of %d, "
                     "so O_DIRECT cannot read them; use io.direct=off", r->cfg.io_direct,
                     (long long)r->model.rec.size, TB_DIRECT_ALIGN);
    for (int l = 0; l < r->layers; l++)
      if (r->model.layer_fd_direct[l] < 0)
        return tb_fail(TB_ERR_UNAVAILABLE, "io.direct=%s: %s could not be opened with O_DIRECT "
                       "(the filesystem refuses it); use io.direct=off", r->cfg.io_direct, r->paths[l]);
  }
  for (int l = 0; l < r->layers; l++)
    if ((rc = tb_io_fadvise(r->model.layer_fd[l], r->fadvise, r->paths[l])) < 0) return rc;
  return TB_OK;
}

/* Routing is fixed before the run; a (token, layer) that names an expert twice or one out of
 * range is refused here, so the loop can rely on K distinct records per layer. */
static int open_routing(tb_run *r) {
  /* The one path from routing.* keys to routing, shared with tb_routing_write (recording). */
  int rc = tb_routing_from_config(&r->routing, &r->cfg, r->tokens, r->layers, r->experts, r->k);
  if (rc < 0) return rc;
  r->routing_open = 1;
  for (int64_t t = 0; t < r->tokens; t++)
    for (int l = 0; l < r->layers; l++) {
      const int32_t *ids = &r->routing.ids[((size_t)t * (size_t)r->layers + (size_t)l) * (size_t)r->k];
      for (int a = 0; a < r->k; a++) {
        if (ids[a] < 0 || ids[a] >= r->experts)
          return tb_fail(TB_ERR_TRACE, "routing token %lld layer %d: expert %d out of range 0..%d",
                         (long long)t, l, ids[a], r->experts - 1);
        for (int b = 0; b < a; b++)
          if (ids[a] == ids[b])
            return tb_fail(TB_ERR_TRACE, "routing token %lld layer %d: expert %d is routed twice",
                           (long long)t, l, ids[a]);
      }
    }
  return TB_OK;
}

static int open_plugins(tb_run *r) {
  const tb_config *cfg = &r->cfg;
  int rc = tb_kernel_select(cfg->kernel_variant, &r->kern);
  if (rc < 0) return rc;
  if ((rc = tb_pool_create(&r->pool, cfg->compute_threads)) < 0) return rc;
  const tb_backend_ops *bo = tb_backend_find(cfg->compute_backend);
  if (!bo) return tb_fail(TB_ERR_ARG, "compute.backend '%s': not compiled in", cfg->compute_backend);
  char why[256] = "";
  if (!bo->available(why, sizeof why))
    return tb_fail(TB_ERR_UNAVAILABLE, "compute.backend '%s': %s", bo->name, why);
  if ((rc = bo->create(&r->backend, cfg->compute_threads)) < 0) return rc;
  r->backend_ops = bo;
  if (bo->setup) {   /* a device backend: before any buffer is allocated from it */
    const tb_backend_setup su = { &r->model.g, r->k, r->slot_stride, r->model.resident,
                                  r->model.resident_size };
    if ((rc = bo->setup(r->backend, &su)) < 0) return rc;
  }
  const tb_io_ops *io = tb_io_find(cfg->io_engine);
  if (!io) return tb_fail(TB_ERR_ARG, "io.engine '%s': not compiled in", cfg->io_engine);
  why[0] = 0;
  if (io->available && !io->available(why, sizeof why))
    return tb_fail(TB_ERR_UNAVAILABLE, "io.engine '%s': not available here: %s", io->name, why);
  tb_io_config ioc = { .threads = cfg->io_threads, .chunk = (int64_t)cfg->io_chunk,
                       .queue_depth = cfg->io_queue_depth, .fadvise = r->fadvise };
  if ((rc = io->create(&r->io, &ioc)) < 0) return rc;
  r->io_ops = io;
  r->moves_bytes = io->moves_bytes;
  return TB_OK;
}

/* Entries per cache: cache.budget_bytes / record size when set, else cache.entries; per-layer
 * scope gives each layer's cache that many. More than the key space can never be used. */
static int cache_capacity(const tb_run *r, const tb_policy_ops *ops) {
  if (ops->no_storage) return 0;
  double entries = r->cfg.cache_budget_bytes > 0
                 ? floor(r->cfg.cache_budget_bytes / (double)r->model.rec.size)
                 : (double)r->cfg.cache_entries;
  double keys = r->per_layer ? r->experts : (double)r->experts * r->layers;
  return (int)(entries < keys ? entries : keys);
}

static int open_caches(tb_run *r) {
  const tb_policy_ops *ops = tb_policy_resolve(r->cfg.cache_policy, NULL);   /* aliases too */
  if (!ops) return tb_fail(TB_ERR_ARG, "cache.policy '%s': not compiled in", r->cfg.cache_policy);
  int cap = cache_capacity(r, ops);
  r->n_caches = r->per_layer ? r->layers : 1;
  int keys = r->layers * r->experts;
  for (int i = 0; i < r->n_caches; i++) {
    int rc = tb_cache_create(&r->cache[i], ops, cap, keys, r->model.rec.size);
    if (rc < 0) return rc;
  }
  size_t total = (size_t)cap * (size_t)r->n_caches;
  if (total > 0) {
    size_t bytes = total * (size_t)r->slot_stride;
    if (!(r->arena = r->backend_ops->alloc(r->backend, bytes)))
      return tb_fail(TB_ERR_NOMEM, "cache: cannot allocate %zu slots of %lld bytes (%zu bytes)",
                     total, (long long)r->slot_stride, bytes);
  }
  for (int i = 0; i < r->n_caches; i++)
    for (int s = 0; s < cap; s++)
      r->cache[i]->slots[s].data = r->arena + ((size_t)i * (size_t)cap + (size_t)s) * (size_t)r->slot_stride;
  r->c[TB_C_cache_capacity_entries] = (double)total;
  r->c[TB_C_cache_capacity_bytes] = (double)total * (double)r->model.rec.size;
  return TB_OK;
}

#define ALLOC(ptr, count) \
  do { if (!((ptr) = tb_alloc_touched((size_t)(count) * sizeof *(ptr), TB_ALIGN))) \
         return tb_fail(TB_ERR_NOMEM, "run: cannot allocate %s (%zu bytes)", #ptr, \
                        (size_t)(count) * sizeof *(ptr)); } while (0)

#define BACKEND_ALLOC(ptr, count) \
  do { if (!((ptr) = r->backend_ops->alloc(r->backend, (size_t)(count) * sizeof *(ptr)))) \
         return tb_fail(TB_ERR_NOMEM, "run: cannot allocate %s (%zu bytes) from the %s backend", #ptr, \
                        (size_t)(count) * sizeof *(ptr), r->backend_ops->name); } while (0)

static int open_buffers(tb_run *r) {
  const tb_geometry *g = &r->model.g;
  size_t k = (size_t)r->k, hidden = (size_t)r->hidden;
  if (!(r->scratch = r->backend_ops->alloc(r->backend, k * (size_t)r->slot_stride)))
    return tb_fail(TB_ERR_NOMEM, "run: cannot allocate %zu bypass buffers of %lld bytes",
                   k, (long long)r->slot_stride);
  ALLOC(r->fetch, k);
  ALLOC(r->done, k + (size_t)r->pf_cap);
  /* What a device backend computes on lives in the backend's memory (host memory on cpu). */
  BACKEND_ALLOC(r->x, hidden);
  BACKEND_ALLOC(r->xn, hidden);
  BACKEND_ALLOC(r->shared_y, hidden);
  BACKEND_ALLOC(r->y, k * hidden);
  BACKEND_ALLOC(r->w, k);
  ALLOC(r->tmp, hidden);
  ALLOC(r->y_ptr, k);
  for (size_t i = 0; i < k; i++) r->y_ptr[i] = r->y + i * hidden;
  int ffn = g->ffn > g->shared_ffn ? g->ffn : g->shared_ffn;
  BACKEND_ALLOC(r->ffn.gate, ffn);
  BACKEND_ALLOC(r->ffn.up, ffn);
  BACKEND_ALLOC(r->ffn.act, ffn);
  r->ffn.ffn = ffn;
  ALLOC(r->touched, (size_t)r->layers * (size_t)r->experts);
  ALLOC(r->residency, r->model.rec.size / r->page_bytes + 2);
  ALLOC(r->token_times, r->tokens);
  ALLOC(r->layer_stats, (size_t)r->layers * TB_LAYER_COUNTER_COUNT);
  ALLOC(r->token_counters, (size_t)r->tokens * TB_TOKEN_COUNTER_COUNT);
  return TB_OK;
}

int tb_run_open(tb_run **out, const tb_config *cfg) {
  *out = NULL;
  tb_run *r = calloc(1, sizeof *r);
  if (!r) return tb_fail(TB_ERR_NOMEM, "run: out of memory");
  r->cfg = *cfg;
  r->page_bytes = sysconf(_SC_PAGESIZE);
  int rc;
  if ((rc = resolve_settings(r, cfg)) < 0 || (rc = open_store(r)) < 0) goto fail;
  r->slot_stride = (r->model.rec.size + TB_ALIGN - 1) / TB_ALIGN * TB_ALIGN;
  if ((rc = open_routing(r)) < 0 || (rc = open_plugins(r)) < 0 || (rc = open_caches(r)) < 0 ||
      (rc = tb_run_prefetch_open(r)) < 0 || (rc = open_buffers(r)) < 0 || (rc = tb_run_pin_open(r)) < 0)
    goto fail;
  tb_part dense[3];
  tb_dense_matrix_layout(&r->model.g, dense);
  r->c[TB_C_dense_bytes_per_layer] = (double)r->model.g.dense_matrices *
                                     (double)(dense[0].size + dense[1].size + dense[2].size);
  r->c[TB_C_expert_record_bytes] = (double)r->model.rec.size;
  r->min_lag_s = INFINITY;
  r->hash = TB_FNV_INIT;
  *out = r;
  return TB_OK;
fail:
  tb_run_close(r);
  return rc;
}

void tb_run_close(tb_run *r) {
  if (!r) return;
  /* the I/O engine first: its workers may still be writing into slots and scratch buffers */
  if (r->io) r->io_ops->destroy(r->io);
  tb_prefetcher_destroy(r->prefetcher);
  for (int i = 0; i < r->n_caches; i++) tb_cache_destroy(r->cache[i]);
  if (r->backend) {
    if (r->arena) r->backend_ops->free(r->backend, r->arena);
    if (r->scratch) r->backend_ops->free(r->backend, r->scratch);
    if (r->pf_discard) r->backend_ops->free(r->backend, r->pf_discard);
    float *vectors[] = { r->x, r->xn, r->shared_y, r->y, r->w, r->ffn.gate, r->ffn.up, r->ffn.act };
    for (int i = 0; i < TB_ARRAY_LEN(vectors); i++)
      if (vectors[i]) r->backend_ops->free(r->backend, vectors[i]);
    r->x = r->xn = r->shared_y = r->y = r->w = r->ffn.gate = r->ffn.up = r->ffn.act = NULL;
    r->backend_ops->destroy(r->backend);
  }
  if (r->pool) tb_pool_destroy(r->pool);
  if (r->routing_open) tb_routing_free(&r->routing);
  if (r->paths)
    for (int l = 0; l < r->layers; l++) free(r->paths[l]);
  free(r->paths);
  if (r->model_open) tb_model_close(&r->model);
  tb_free_aligned(r->fetch);
  tb_free_aligned(r->done);
  tb_free_aligned(r->x);
  tb_free_aligned(r->xn);
  tb_free_aligned(r->tmp);
  tb_free_aligned(r->shared_y);
  tb_free_aligned(r->y);
  tb_free_aligned(r->y_ptr);
  tb_free_aligned(r->w);
  tb_free_aligned(r->ffn.gate);
  tb_free_aligned(r->ffn.up);
  tb_free_aligned(r->ffn.act);
  tb_free_aligned(r->touched);
  tb_free_aligned(r->residency);
  tb_free_aligned(r->token_times);
  tb_free_aligned(r->layer_stats);
  tb_free_aligned(r->token_counters);
  tb_free_aligned(r->pf_issues);
  tb_free_aligned(r->pf_reads);
  tb_free_aligned(r->warm);
  tb_free_aligned(r->pin_weight);
  tb_free_aligned(r->pin_order);
  tb_free_aligned(r->pin_keys);
  tb_free_aligned(r->pin_fills);
  free(r);
}
