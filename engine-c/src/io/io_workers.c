/* io_workers.c — the worker pool behind the pread and mmap engines (io_workers.h): the demand
 * queue is always served first, a read is finished when its last piece is, and nothing is
 * allocated per read (the queues are linked through tb_read.next). */
#define _GNU_SOURCE
#include "io_workers.h"
#include "../util/common.h"
#include <stdio.h>
#include <string.h>

void tb_read_queue_push(tb_read_queue *q, tb_read *r) {
  r->next = NULL;
  if (q->tail) q->tail->next = r; else q->head = r;
  q->tail = r;
}

tb_read *tb_read_queue_pop(tb_read_queue *q) {
  tb_read *r = q->head;
  if (r) { q->head = r->next; if (!q->head) q->tail = NULL; r->next = NULL; }
  return r;
}

int tb_read_queue_promote(tb_read_queue pending[2], tb_read *r) {
  /* A read stays in its pending queue until its last piece is taken, so finding it there
   * means pieces are left to move. The walk is as long as the prefetch queue. */
  tb_read_queue *q = &pending[TB_READ_PREFETCH];
  tb_read *it = q->head, *prev = NULL;
  while (it && it != r) { prev = it; it = it->next; }
  if (!it) return 0;
  if (prev) prev->next = r->next; else q->head = r->next;
  if (q->tail == r) q->tail = prev;
  tb_read_queue_push(&pending[TB_READ_DEMAND], r);
  r->queue = TB_READ_DEMAND;
  r->promoted = 1;
  return 1;
}

/* Pieces after a failure already known are lost anyway and skipped; pieces before it still
 * run, so that the failure reported is the first in the file (for a short file: where it ends),
 * whatever order the workers took the pieces in. A racy read of the failure is only a shortcut. */
static int lost(const tb_read *r, int64_t off) {
  return __atomic_load_n(&r->status, __ATOMIC_RELAXED) != TB_OK &&
         r->offset + off >= __atomic_load_n(&r->err_offset, __ATOMIC_RELAXED);
}

/* Under the lock: keeps the failure nearest the start of the read. */
static void record_failure(tb_read *r, int err, int64_t at) {
  if (r->status == TB_OK || at < r->err_offset) {
    r->err_no = err == TB_PREAD_EOF ? 0 : err;
    __atomic_store_n(&r->err_offset, at, __ATOMIC_RELAXED);
    __atomic_store_n(&r->status, TB_ERR_IO, __ATOMIC_RELAXED);
  }
}

/* Under the lock. */
static void finish_locked(tb_io_workers *w, tb_read *r) {
  r->t_done = tb_now();   /* under the lock: t_done order = completion (reap) order */
  tb_read_queue_push(&w->finished, r);
  w->n_finished++;
  pthread_cond_signal(&w->finished_cv);
}

static void *worker(void *arg) {
  tb_io_workers *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    tb_read *r;
    while (!w->stop && !(r = w->pending[TB_READ_DEMAND].head) &&
           !(r = w->pending[TB_READ_PREFETCH].head))
      pthread_cond_wait(&w->work, &w->mu);
    if (w->stop) break;
    int piece = r->chunks_next++;
    if (piece == 0) r->t_start = tb_now();
    if (r->chunks_next == r->chunks_total) tb_read_queue_pop(&w->pending[r->queue]);
    pthread_mutex_unlock(&w->mu);

    /* outside the lock: the piece itself */
    int64_t off = (int64_t)piece * r->chunk_bytes;
    int64_t len = r->size - off < r->chunk_bytes ? r->size - off : r->chunk_bytes;
    int64_t got = 0;
    int err = lost(r, off) ? 0 : w->serve(w, r, off, len, &got);

    pthread_mutex_lock(&w->mu);
    r->bytes_done += got;
    if (err) record_failure(r, err, r->offset + off + got);
    if (++r->chunks_done == r->chunks_total) finish_locked(w, r);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

void tb_io_workers_stop(tb_io_workers *w) {
  if (!w->sync_ready) return;
  pthread_mutex_lock(&w->mu);
  w->stop = 1;
  pthread_cond_broadcast(&w->work);
  pthread_mutex_unlock(&w->mu);
  for (int i = 0; i < w->n_threads; i++) pthread_join(w->threads[i], NULL);
  w->n_threads = 0;
  pthread_cond_destroy(&w->finished_cv);
  pthread_cond_destroy(&w->work);
  pthread_mutex_destroy(&w->mu);
  w->sync_ready = 0;
}

int tb_io_workers_start(tb_io_workers *w, const tb_io_ops *ops, const tb_io_config *cfg,
                        tb_io_piece_fn serve, const char *engine) {
  if (cfg->threads < 1 || cfg->threads > TB_IO_MAX_THREADS)
    return tb_fail(TB_ERR_ARG, "io.threads=%d: must be 1..%d", cfg->threads, TB_IO_MAX_THREADS);
  w->base.ops = ops;
  w->base.cfg = *cfg;
  w->serve = serve;
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->work, NULL);
  pthread_cond_init(&w->finished_cv, NULL);
  w->sync_ready = 1;
  for (int i = 0; i < cfg->threads; i++) {
    int err = pthread_create(&w->threads[i], NULL, worker, w);
    if (err) {
      tb_io_workers_stop(w);
      return tb_fail(TB_ERR_NOMEM, "io engine %s: starting worker %d of %d: %s (errno %d)",
                     engine, i + 1, cfg->threads, strerror(err), err);
    }
    w->n_threads++;
#ifdef __linux__
    char name[16];
    snprintf(name, sizeof name, "tb-%.5s-%u", engine, (unsigned char)i);  /* i < 64 */
    pthread_setname_np(w->threads[i], name);   /* visible in perf / top -H */
#endif
  }
  return TB_OK;
}

void tb_io_workers_queue(tb_io_workers *w, tb_read *r) {
  pthread_mutex_lock(&w->mu);
  tb_read_queue_push(&w->pending[r->kind], r);
  w->in_flight++;
  if (r->chunks_total > 1) pthread_cond_broadcast(&w->work);
  else pthread_cond_signal(&w->work);
  pthread_mutex_unlock(&w->mu);
}

void tb_io_workers_finish(tb_io_workers *w, tb_read *r) {
  pthread_mutex_lock(&w->mu);
  w->in_flight++;
  finish_locked(w, r);
  pthread_mutex_unlock(&w->mu);
}

int tb_io_workers_submit(tb_io *base, tb_read *r) {
  int rc = tb_read_prepare(r, base->cfg.chunk);
  if (rc) return rc;
  tb_io_workers_queue((tb_io_workers *)base, r);
  return TB_OK;
}

int tb_io_workers_reap(tb_io *base, tb_read **done, int max, int min_done) {
  tb_io_workers *w = (tb_io_workers *)base;
  if (max < 0 || min_done < 0)
    return tb_fail(TB_ERR_ARG, "io reap: max=%d and min_done=%d must be >= 0", max, min_done);
  if (min_done > max) min_done = max;
  pthread_mutex_lock(&w->mu);
  if (min_done > w->in_flight) {
    int in_flight = w->in_flight;
    pthread_mutex_unlock(&w->mu);
    return tb_fail(TB_ERR_ARG, "io reap: waiting for %d reads, but only %d are in flight",
                   min_done, in_flight);
  }
  while (w->n_finished < min_done) pthread_cond_wait(&w->finished_cv, &w->mu);
  int n = 0;
  while (n < max && w->finished.head) done[n++] = tb_read_queue_pop(&w->finished);
  w->n_finished -= n;
  w->in_flight -= n;
  pthread_mutex_unlock(&w->mu);
  for (int i = 0; i < n; i++)
    if (done[i]->status != TB_OK) { tb_read_error(done[i]); break; }
  return n;
}

int tb_io_workers_promote(tb_io *base, tb_read *r) {
  tb_io_workers *w = (tb_io_workers *)base;
  pthread_mutex_lock(&w->mu);
  int moved = tb_read_queue_promote(w->pending, r);
  pthread_mutex_unlock(&w->mu);
  return moved;
}
