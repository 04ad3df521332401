/* io_pread.c — the pread pool: io.threads workers started at create, a demand and a prefetch
 * queue (a worker always takes a demand piece first), and each read split into io.chunk
 * pieces so that several workers share one record. A read is finished when its last piece
 * is; finished reads are handed back in completion order. Nothing is allocated per read:
 * the queues are linked through tb_read.next. */
#define _GNU_SOURCE
#include "io.h"
#include "../util/common.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const tb_io_ops tb_io_pread;

typedef struct { tb_read *head, *tail; } rqueue;

typedef struct {
  tb_io base;
  pthread_mutex_t mu;        /* guards everything below and tb_read.chunks_next / next */
  pthread_cond_t work;       /* workers wait here: a piece is queued, or stop */
  pthread_cond_t finished_cv;/* the reaper waits here: a read finished */
  rqueue pending[2];         /* [TB_READ_DEMAND], [TB_READ_PREFETCH]: reads with pieces not yet taken */
  rqueue finished;           /* completion order */
  int n_finished;
  int in_flight;             /* submitted and not yet reaped */
  int stop;
  int n_threads;             /* started */
  pthread_t threads[TB_IO_MAX_THREADS];
} pread_io;

static void push(rqueue *q, tb_read *r) {
  r->next = NULL;
  if (q->tail) q->tail->next = r; else q->head = r;
  q->tail = r;
}

static tb_read *pop(rqueue *q) {
  tb_read *r = q->head;
  if (r) { q->head = r->next; if (!q->head) q->tail = NULL; r->next = NULL; }
  return r;
}

/* Reads one piece outside the lock. Once a piece has failed the read is lost, so the rest are
 * skipped; the first failure is the one reported (status flips from TB_OK exactly once). */
static void serve_piece(tb_read *r, int piece) {
  if (__atomic_load_n(&r->status, __ATOMIC_RELAXED) != TB_OK) return;
  int64_t off = (int64_t)piece * r->chunk_bytes;
  int64_t len = r->size - off < r->chunk_bytes ? r->size - off : r->chunk_bytes;
  int64_t got = 0;
  int err = tb_pread_exact(r->fd, (char *)r->dst + off, len, r->offset + off, &got);
  __atomic_add_fetch(&r->bytes_done, got, __ATOMIC_RELAXED);
  int ok = TB_OK;
  if (err && __atomic_compare_exchange_n(&r->status, &ok, TB_ERR_IO, 0, __ATOMIC_RELAXED,
                                         __ATOMIC_RELAXED)) {
    r->err_no = err == TB_PREAD_EOF ? 0 : err;
    r->err_offset = r->offset + off + got;
  }
}

static void *worker(void *arg) {
  pread_io *io = arg;
  pthread_mutex_lock(&io->mu);
  for (;;) {
    tb_read *r;
    while (!io->stop && !(r = io->pending[TB_READ_DEMAND].head) &&
           !(r = io->pending[TB_READ_PREFETCH].head))
      pthread_cond_wait(&io->work, &io->mu);
    if (io->stop) break;
    int piece = r->chunks_next++;
    if (piece == 0) r->t_start = tb_now();
    if (r->chunks_next == r->chunks_total) pop(&io->pending[r->queue]);
    pthread_mutex_unlock(&io->mu);

    serve_piece(r, piece);
    /* acq_rel: the finishing worker sees every other piece's bytes and error fields. */
    int last = __atomic_add_fetch(&r->chunks_done, 1, __ATOMIC_ACQ_REL) == r->chunks_total;

    pthread_mutex_lock(&io->mu);
    if (last) {
      r->t_done = tb_now();   /* under the lock: t_done order = completion (reap) order */
      push(&io->finished, r);
      io->n_finished++;
      pthread_cond_signal(&io->finished_cv);
    }
  }
  pthread_mutex_unlock(&io->mu);
  return NULL;
}

static void stop_workers(pread_io *io) {
  pthread_mutex_lock(&io->mu);
  io->stop = 1;
  pthread_cond_broadcast(&io->work);
  pthread_mutex_unlock(&io->mu);
  for (int i = 0; i < io->n_threads; i++) pthread_join(io->threads[i], NULL);
}

/* Pieces in flight finish before destroy returns; reads still queued are dropped (their
 * tb_read structs belong to the caller). */
static void pread_destroy(tb_io *base) {
  pread_io *io = (pread_io *)base;
  if (!io) return;
  stop_workers(io);
  pthread_cond_destroy(&io->finished_cv);
  pthread_cond_destroy(&io->work);
  pthread_mutex_destroy(&io->mu);
  free(io);
}

static int pread_create(tb_io **out, const tb_io_config *cfg) {
  *out = NULL;
  if (cfg->threads < 1 || cfg->threads > TB_IO_MAX_THREADS)
    return tb_fail(TB_ERR_ARG, "io.threads=%d: must be 1..%d", cfg->threads, TB_IO_MAX_THREADS);
  pread_io *io = calloc(1, sizeof *io);
  if (!io) return tb_fail(TB_ERR_NOMEM, "io engine pread: out of memory creating the pool");
  io->base.ops = &tb_io_pread;
  io->base.cfg = *cfg;
  pthread_mutex_init(&io->mu, NULL);
  pthread_cond_init(&io->work, NULL);
  pthread_cond_init(&io->finished_cv, NULL);
  for (int i = 0; i < cfg->threads; i++) {
    int err = pthread_create(&io->threads[i], NULL, worker, io);
    if (err) {
      pread_destroy(&io->base);
      return tb_fail(TB_ERR_NOMEM, "io engine pread: starting worker %d of %d: %s (errno %d)",
                     i + 1, cfg->threads, strerror(err), err);
    }
    io->n_threads++;
#ifdef __linux__
    char name[16];
    snprintf(name, sizeof name, "tb-io-%u", (unsigned char)i);  /* i < 64 */
    pthread_setname_np(io->threads[i], name);   /* visible in perf / top -H */
#endif
  }
  *out = &io->base;
  return TB_OK;
}

static int pread_submit(tb_io *base, tb_read *r) {
  pread_io *io = (pread_io *)base;
  int rc = tb_read_prepare(r, io->base.cfg.chunk);
  if (rc) return rc;
  pthread_mutex_lock(&io->mu);
  push(&io->pending[r->kind], r);
  io->in_flight++;
  if (r->chunks_total > 1) pthread_cond_broadcast(&io->work);
  else pthread_cond_signal(&io->work);
  pthread_mutex_unlock(&io->mu);
  return TB_OK;
}

static int pread_reap(tb_io *base, tb_read **done, int max, int min_done) {
  pread_io *io = (pread_io *)base;
  if (max < 0 || min_done < 0)
    return tb_fail(TB_ERR_ARG, "io reap: max=%d and min_done=%d must be >= 0", max, min_done);
  if (min_done > max) min_done = max;
  pthread_mutex_lock(&io->mu);
  if (min_done > io->in_flight) {
    int in_flight = io->in_flight;
    pthread_mutex_unlock(&io->mu);
    return tb_fail(TB_ERR_ARG, "io reap: waiting for %d reads, but only %d are in flight",
                   min_done, in_flight);
  }
  while (io->n_finished < min_done) pthread_cond_wait(&io->finished_cv, &io->mu);
  int n = 0;
  while (n < max && io->finished.head) done[n++] = pop(&io->finished);
  io->n_finished -= n;
  io->in_flight -= n;
  pthread_mutex_unlock(&io->mu);
  for (int i = 0; i < n; i++)
    if (done[i]->status != TB_OK) { tb_read_error(done[i]); break; }
  return n;
}

static int pread_promote(tb_io *base, tb_read *r) {
  pread_io *io = (pread_io *)base;
  int moved = 0;
  pthread_mutex_lock(&io->mu);
  /* A read stays in its pending queue until its last piece is taken, so finding it there
   * means pieces are left to move. The walk is as long as the prefetch queue. */
  rqueue *q = &io->pending[TB_READ_PREFETCH];
  tb_read *it = q->head, *prev = NULL;
  while (it && it != r) { prev = it; it = it->next; }
  if (it) {
    if (prev) prev->next = r->next; else q->head = r->next;
    if (q->tail == r) q->tail = prev;
    push(&io->pending[TB_READ_DEMAND], r);
    r->queue = TB_READ_DEMAND;
    r->promoted = 1;
    moved = 1;
  }
  pthread_mutex_unlock(&io->mu);
  return moved;
}

static int pread_available(char *why, int why_len) { return 1; }

const tb_io_ops tb_io_pread = {
  .name = "pread",
  .help = "A pool of io.threads threads calling pread(2); demand reads are served before "
          "queued prefetch reads, and io.chunk splits a record so that more threads than K "
          "read in parallel.",
  .moves_bytes = 1,
  .available = pread_available,
  .create = pread_create,
  .destroy = pread_destroy,
  .submit = pread_submit,
  .reap = pread_reap,
  .promote = pread_promote,
};
