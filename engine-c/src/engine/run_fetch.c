/* run_fetch.c — getting a layer's K expert records: routing release (DESIGN §1: nothing of
 * layer l is read before it), cache lookups, the choice of descriptor (io.direct), the source of
 * every read judged just before it is issued (mincore), submit and reap. */
#define _GNU_SOURCE
#include "run_internal.h"
#include <sys/mman.h>

void tb_run_release(tb_run *r, int64_t token, int layer) {
  r->release_t = tb_now();
  size_t base = ((size_t)token * (size_t)r->layers + (size_t)layer) * (size_t)r->k;
  for (int k = 0; k < r->k; k++) {
    r->fetch[k].expert = r->routing.ids[base + k];
    r->w[k] = r->routing.weights[base + k];
  }
}

/* Bytes of [offset, offset+size) of a layer file resident in the page cache right now.
 * mincore on the never-touched file mapping reports page-cache residency (Linux lets the
 * file's owner or a writer see it; otherwise it reports nothing resident). */
int64_t tb_run_resident_bytes(tb_run *r, int layer, int64_t offset, int64_t size) {
  int64_t page = r->page_bytes;
  int64_t start = offset / page * page, end = offset + size;
  if (mincore((uint8_t *)r->model.layer_map[layer] + start, (size_t)(end - start), r->residency) != 0)
    return 0;
  int64_t resident = 0;
  for (int64_t i = 0, lo = start; lo < end; i++, lo += page) {
    if (!(r->residency[i] & 1)) continue;
    int64_t a = lo > offset ? lo : offset, b = lo + page < end ? lo + page : end;
    resident += b - a;
  }
  return resident;
}

/* Direct or buffered for this expert, per io.direct; first-touch reads an expert's first time
 * through O_DIRECT and every later time through the page cache (Flash-MoE's tiered F_NOCACHE). */
int tb_run_use_direct(tb_run *r, int layer, int expert) {
  if (r->direct_mode == TB_DIRECT_ON) return 1;
  if (r->direct_mode == TB_DIRECT_OFF) return 0;
  uint8_t *t = &r->touched[(size_t)layer * (size_t)r->experts + (size_t)expert];
  if (*t) return 0;
  *t = 1;
  return 1;
}

static void prepare_read(tb_run *r, int layer, int k, tb_fetch *f, uint8_t *dst) {
  int64_t size = r->model.rec.size, offset = (int64_t)f->expert * size;
  int direct = tb_run_use_direct(r, layer, f->expert);
  tb_read *rd = &f->read;
  rd->fd = direct ? r->model.layer_fd_direct[layer] : r->model.layer_fd[layer];
  rd->direct = direct;
  rd->offset = offset;
  rd->size = size;
  rd->dst = dst;
  rd->kind = TB_READ_DEMAND;
  rd->layer = layer;
  rd->expert = f->expert;
  rd->path = r->paths[layer];
  rd->user = f;
  rd->in_place_ok = f->result == TB_CACHE_MISS_BYPASS;   /* a slot fill must hold the bytes */
  f->bytes = dst;
  f->page_cache_bytes = f->device_bytes = 0;
  if (!r->moves_bytes) return;           /* null engine: nothing is read, nothing to attribute */
  if (direct) { f->device_bytes = size; return; }
  f->page_cache_bytes = tb_run_resident_bytes(r, layer, offset, size);
  f->device_bytes = size - f->page_cache_bytes;
}

void tb_run_lookup(tb_run *r, int64_t token, int layer) {
  tb_cache *c = tb_run_cache(r, layer);
  if (r->batch_cache) tb_cache_end_batch(r->batch_cache);   /* the previous layer is done */
  r->batch_cache = c;
  double *ls = &r->layer_stats[layer * TB_LAYER_COUNTER_COUNT];
  size_t base = ((size_t)token * (size_t)r->layers + (size_t)layer) * (size_t)r->k;
  int64_t rec = r->model.rec.size;
  for (int k = 0; k < r->k; k++) {
    tb_fetch *f = &r->fetch[k];
    tb_req q = { .layer = layer, .expert = f->expert, .key = layer * r->experts + f->expert,
                 .token = token, .next_use = r->routing.next_use[base + k], .prefetch = 0 };
    f->result = tb_cache_access(c, &q, &f->slot);
    f->computed = 0;
    f->late = 0;
    ls[TB_L_requests] += 1;
    r->c[TB_C_requested_bytes] += (double)rec;
    if (r->pin_weight && token < r->pin_window) r->pin_weight[q.key] += 1;
    if (f->result == TB_CACHE_HIT && c->slots[f->slot].io) {   /* only a prefetch outlives its batch */
      tb_run_prefetch_late(r, f, &c->slots[f->slot]);
      continue;
    }
    if (f->result == TB_CACHE_HIT) {
      f->bytes = c->slots[f->slot].data;
      f->ready = 1;
      f->page_cache_bytes = f->device_bytes = 0;
      ls[TB_L_app_hits] += 1;
      r->c[TB_C_app_cache_bytes] += (double)rec;
      continue;
    }
    f->ready = 0;
    uint8_t *dst = f->result == TB_CACHE_MISS_FILL ? c->slots[f->slot].data
                                                   : r->scratch + (size_t)k * (size_t)r->slot_stride;
    if (f->result == TB_CACHE_MISS_FILL) c->slots[f->slot].io = &f->read;
    prepare_read(r, layer, k, f, dst);
    if (r->warm && r->warm[q.key] != TB_WARM_NONE) tb_run_prefetch_judge_warm(r, f, q.key);
  }
}

int tb_run_submit(tb_run *r) {
  double *ls = &r->layer_stats[r->layer * TB_LAYER_COUNTER_COUNT];
  for (int k = 0; k < r->k; k++) {
    tb_fetch *f = &r->fetch[k];
    if (f->ready || f->late) continue;
    double lag = tb_now() - r->release_t;
    int rc = r->io_ops->submit(r->io, &f->read);
    if (rc < 0) return rc;
    r->in_flight++;
    if (lag < 0) r->c[TB_C_issue_before_release] += 1;
    if (lag < r->min_lag_s) r->min_lag_s = lag;
    r->c[TB_C_reads] += 1;
    r->c[TB_C_demand_reads] += 1;
    r->c[TB_C_read_bytes] += (double)f->read.size;
    r->c[f->read.direct ? TB_C_direct_reads : TB_C_buffered_reads] += 1;
    r->c[TB_C_page_cache_bytes] += (double)f->page_cache_bytes;
    r->c[TB_C_device_bytes] += (double)f->device_bytes;
    ls[TB_L_page_cache_bytes] += (double)f->page_cache_bytes;
    ls[TB_L_device_bytes] += (double)f->device_bytes;
  }
  return TB_OK;
}

int tb_run_pending(const tb_run *r) { return r->in_flight; }

/* Once the layer's demand reads are all in, time blocked on late prefetches is time the
 * foreground waits behind prefetch I/O; before that, demand would have kept it waiting anyway. */
int tb_run_wait(tb_run *r) {
  int behind = r->late_pending > 0 && r->late_pending == r->in_flight;
  double t0 = behind ? tb_now() : 0;
  int rc = tb_run_reap(r, 1);
  if (behind) r->c[TB_C_prefetch_wait_s] += tb_now() - t0;
  return rc;
}

int tb_run_reap(tb_run *r, int block) {
  if (r->in_flight == 0 && r->pf_in_flight == 0) return 0;
  int n = r->io_ops->reap(r->io, r->done, r->k + r->pf_cap, block ? 1 : 0);
  if (n < 0) return n;
  int failed = -1;
  for (int i = 0; i < n; i++) {
    tb_read *rd = r->done[i];
    if (rd->status != TB_OK) {
      if (failed < 0) failed = i;
      continue;
    }
    if (rd->kind == TB_READ_PREFETCH) {   /* kept even when promoted */
      tb_run_prefetch_done(r, rd);
      continue;
    }
    tb_fetch *f = rd->user;
    r->in_flight--;
    f->ready = 1;
    f->bytes = rd->data;     /* dst, or the record in place (zero-copy engines) */
    if (f->result == TB_CACHE_MISS_FILL) {
      tb_slot *s = &tb_run_cache(r, r->layer)->slots[f->slot];
      s->state = TB_SLOT_READY;
      s->io = NULL;
    }
    r->c[TB_C_read_latency_s] += rd->t_done - rd->t_submit;
    r->c[TB_C_demand_queue_s] += rd->t_start - rd->t_submit;
    if (r->moves_bytes && !rd->direct && f->device_bytes == 0)
      r->c[TB_C_copy_s] += rd->t_done - rd->t_start;
  }
  /* The run stops here; reads still in flight finish into run buffers before close frees them
   * (tb_run_close destroys the I/O engine first). */
  if (failed >= 0) return tb_read_error(r->done[failed]);
  return n;
}
