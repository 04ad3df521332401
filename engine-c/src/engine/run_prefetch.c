/* run_prefetch.c — the engine side of prefetch: the prefetch step's issues become reads queued
 * behind demand (into cache slots, or read-and-discard / a WILLNEED hint to warm the page cache
 * when there is no application cache), their completion, a demand that finds one still in
 * flight (late: promoted, waited for, counted apart), and the judging of page-cache warms. */
#define _GNU_SOURCE
#include "run_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/* Resolve prefetch.* (the cache.policy alias included) and allocate the prefetch state. */
int tb_run_prefetch_open(tb_run *r) {
  const tb_config *cfg = &r->cfg;
  const char *implied = NULL;
  tb_policy_resolve(cfg->cache_policy, &implied);
  const char *name = cfg->prefetch_predictor;
  if (implied) {
    if (strcmp(name, "none") != 0 && strcmp(name, implied) != 0)
      return tb_fail(TB_ERR_ARG, "cache.policy=%s means prefetch.predictor=%s; for %s, set "
                     "cache.policy to a policy and prefetch.predictor=%s", cfg->cache_policy, implied,
                     name, name);
    name = implied;
  }
  const tb_predictor_ops *ops = tb_predictor_find(name);
  if (!ops) return tb_fail(TB_ERR_ARG, "prefetch.predictor '%s': not compiled in", name);
  if (cfg->prefetch_trace[0] && !ops->needs_trace)
    return tb_fail(TB_ERR_ARG, "prefetch.trace is set, but prefetch.predictor=%s does not read it "
                   "(replay does)", name);
  r->pf_deterministic = strcmp(cfg->prefetch_mode, "deterministic") == 0;
  r->pf_hint = strcmp(cfg->prefetch_warm, "hint") == 0;
  if (strcmp(name, "none") == 0 || cfg->prefetch_depth == 0) return TB_OK;   /* no prefetcher */

  tb_prefetch_env env = { .tokens = r->tokens, .layers = r->layers, .experts = r->experts, .k = r->k,
                          .trace = cfg->prefetch_trace };
  tb_prefetcher_params p = { .depth = cfg->prefetch_depth, .per_layer = r->per_layer,
                             .next_use = r->cache[0]->ops->needs_future };
  int rc = tb_prefetcher_create(&r->prefetcher, ops, &env, &p, &r->routing);
  if (rc < 0) return rc;
  int issues = tb_prefetcher_max_issues(r->prefetcher);
  /* depth positions ahead, plus the reads of the current position, which a layer may still
   * wait for (late) when it issues its own prefetches */
  r->pf_cap = issues + r->k;
  if (!(r->pf_issues = tb_alloc_touched((size_t)issues * sizeof *r->pf_issues, TB_ALIGN)) ||
      !(r->pf_reads = tb_alloc_touched((size_t)r->pf_cap * sizeof *r->pf_reads, TB_ALIGN)))
    return tb_fail(TB_ERR_NOMEM, "prefetch: cannot allocate %d prefetch reads", r->pf_cap);
  for (int i = 0; i < r->pf_cap; i++) {
    r->pf_reads[i].read.user = &r->pf_reads[i];
    r->pf_reads[i].next_free = i + 1 < r->pf_cap ? i + 1 : -1;
  }
  r->pf_free = 0;
  if (r->cache[0]->capacity == 0) {   /* predictions warm the page cache */
    size_t keys = (size_t)r->layers * (size_t)r->experts;
    if (!(r->warm = tb_alloc_touched(keys, TB_ALIGN)))
      return tb_fail(TB_ERR_NOMEM, "prefetch: cannot allocate the warm table (%zu bytes)", keys);
    if (!r->pf_hint &&
        !(r->pf_discard = r->backend_ops->alloc(r->backend, (size_t)r->pf_cap * (size_t)r->slot_stride)))
      return tb_fail(TB_ERR_NOMEM, "prefetch: cannot allocate %d read-and-discard buffers of %lld bytes",
                     r->pf_cap, (long long)r->slot_stride);
  }
  return TB_OK;
}

/* Time blocked on prefetch reads counts as the wait stage and as prefetch_wait_s. */
static int wait_prefetch(tb_run *r) {
  int back = r->stage;
  tb_run_stage(r, TB_STAGE_wait);
  double t0 = r->clock_wall;
  int rc = tb_run_reap(r, 1);
  tb_run_stage(r, back);
  r->c[TB_C_prefetch_wait_s] += r->clock_wall - t0;
  return rc;
}

/* A free prefetch read; when every one is in flight, wait for one to finish. */
static int take_read(tb_run *r, tb_pf_read **out) {
  while (r->pf_free < 0) {
    int rc = wait_prefetch(r);
    if (rc < 0) return rc;
  }
  tb_pf_read *pf = &r->pf_reads[r->pf_free];
  r->pf_free = pf->next_free;
  *out = pf;
  return TB_OK;
}

static void give_read(tb_run *r, tb_pf_read *pf) {
  pf->next_free = r->pf_free;
  r->pf_free = (int)(pf - r->pf_reads);
}

/* WILLNEED: the kernel starts reading the range into the page cache and returns. */
static int hint(tb_run *r, int layer, int64_t offset, int64_t size) {
#ifdef __APPLE__
  struct radvisory ra = { .ra_offset = offset, .ra_count = (int)size };
  int err = fcntl(r->model.layer_fd[layer], F_RDADVISE, &ra) < 0 ? errno : 0;
#else
  int err = posix_fadvise(r->model.layer_fd[layer], offset, size, POSIX_FADV_WILLNEED);
#endif
  if (err)
    return tb_fail(TB_ERR_IO, "prefetch hint %s offset %lld size %lld: %s (errno %d)", r->paths[layer],
                   (long long)offset, (long long)size, strerror(err), err);
  return TB_OK;
}

static int issue(tb_run *r, const tb_prefetch_issue *is) {
  int64_t size = r->model.rec.size, offset = (int64_t)is->expert * size;
  int warm = is->cache < 0;
  if (warm) {
    if (r->warm[is->key] != TB_WARM_NONE) { r->warm_dups++; return TB_OK; }   /* already warming */
    r->warm_outstanding++;
    if (r->pf_hint) {
      r->warm[is->key] = TB_WARM_DONE;
      r->c[TB_C_prefetch_hints] += 1;
      return hint(r, is->layer, offset, size);
    }
    r->warm[is->key] = TB_WARM_READING;
  }
  tb_pf_read *pf;
  int rc = take_read(r, &pf);
  if (rc < 0) return rc;
  /* a warm read goes through the page cache whatever io.direct says: warming it is its point */
  int direct = warm ? 0 : tb_run_use_direct(r, is->layer, is->expert);
  tb_read *rd = &pf->read;
  rd->fd = direct ? r->model.layer_fd_direct[is->layer] : r->model.layer_fd[is->layer];
  rd->direct = direct;
  rd->offset = offset;
  rd->size = size;
  rd->dst = warm ? r->pf_discard + (size_t)(pf - r->pf_reads) * (size_t)r->slot_stride
                 : r->cache[is->cache]->slots[is->slot].data;
  rd->kind = TB_READ_PREFETCH;
  rd->in_place_ok = 0;     /* a slot fill must hold the bytes; a warm read must really read */
  rd->layer = is->layer;
  rd->expert = is->expert;
  rd->path = r->paths[is->layer];
  pf->cache = is->cache;
  pf->slot = is->slot;
  pf->key = is->key;
  pf->waiter = NULL;
  if (r->moves_bytes) {
    int64_t cached = direct ? 0 : tb_run_resident_bytes(r, is->layer, offset, size);
    r->c[TB_C_prefetch_page_cache_bytes] += (double)cached;
    r->c[TB_C_prefetch_device_bytes] += (double)(size - cached);
  }
  if ((rc = r->io_ops->submit(r->io, rd)) < 0) { give_read(r, pf); return rc; }
  if (!warm) r->cache[is->cache]->slots[is->slot].io = rd;
  r->pf_in_flight++;
  r->c[TB_C_reads] += 1;
  r->c[TB_C_prefetch_reads] += 1;
  r->c[TB_C_prefetch_read_bytes] += (double)size;
  r->c[(direct ? TB_C_direct_reads : TB_C_buffered_reads)] += 1;
  return TB_OK;
}

int tb_run_prefetch(tb_run *r, int64_t token, int layer) {
  double t0 = tb_now(), waited0 = r->c[TB_C_prefetch_wait_s];
  int n = tb_prefetcher_step(r->prefetcher, r->cache, token, layer, r->pf_issues);
  int rc = TB_OK;
  for (int i = 0; i < n && rc == TB_OK; i++) rc = issue(r, &r->pf_issues[i]);
  r->c[TB_C_prefetch_issue_s] += tb_now() - t0 - (r->c[TB_C_prefetch_wait_s] - waited0);
  return rc;
}

/* Before a lookup: deterministic mode waits for every prefetch read (so no lookup ever finds
 * one in flight); async mode only takes in those already finished, so that their slots are
 * ready and a demand finding one still in flight is truly late. */
int tb_run_prefetch_settle(tb_run *r) {
  if (!r->pf_deterministic) {
    int rc = r->pf_in_flight > 0 ? tb_run_reap(r, 0) : TB_OK;
    return rc < 0 ? rc : TB_OK;
  }
  while (r->pf_in_flight > 0) {
    int rc = wait_prefetch(r);
    if (rc < 0) return rc;
  }
  return TB_OK;
}

void tb_run_prefetch_done(tb_run *r, tb_read *rd) {
  tb_pf_read *pf = rd->user;
  r->pf_in_flight--;
  if (pf->cache < 0) {
    if (r->warm[pf->key] == TB_WARM_READING) r->warm[pf->key] = TB_WARM_DONE;   /* not judged yet */
  } else {
    tb_slot *s = &r->cache[pf->cache]->slots[pf->slot];
    s->state = TB_SLOT_READY;
    s->io = NULL;
  }
  if (pf->waiter) {
    pf->waiter->ready = 1;
    r->in_flight--;
    r->late_pending--;
  }
  give_read(r, pf);
}

/* A demand hit on a prefetched slot whose read is still in flight: neither a hit nor a miss.
 * The read is moved ahead of the other prefetch reads, and the layer waits for it like a miss. */
void tb_run_prefetch_late(tb_run *r, tb_fetch *f, tb_slot *s) {
  tb_read *rd = s->io;
  tb_pf_read *pf = rd->user;
  pf->waiter = f;
  f->late = 1;
  f->ready = 0;
  f->bytes = s->data;
  f->page_cache_bytes = f->device_bytes = 0;   /* counted with the prefetch read */
  r->in_flight++;
  r->late_pending++;
  r->late_app++;
  r->c[TB_C_prefetch_late] += 1;
  tb_io_promote(r->io, rd);
}

/* With no application cache a warm is judged at the key's next demand read, by where the
 * record was just before it (the read's mincore attribution). */
void tb_run_prefetch_judge_warm(tb_run *r, tb_fetch *f, int32_t key) {
  int64_t size = r->model.rec.size;
  int state = r->warm[key];
  r->warm[key] = TB_WARM_NONE;
  r->warm_outstanding--;
  if (state == TB_WARM_READING || (r->pf_hint && f->page_cache_bytes > 0 && f->page_cache_bytes < size)) {
    r->warm_late++;
    r->c[TB_C_prefetch_late] += 1;
  } else if (f->page_cache_bytes == size) {
    r->warm_useful++;
  } else {
    r->warm_wasted++;
  }
}
