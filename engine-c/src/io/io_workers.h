/* io_workers.h — the worker pool of the thread-based engines (pread, mmap): io.threads threads, a
 * demand queue served before the prefetch queue, reads split into io.chunk pieces, completion
 * order. An engine embeds tb_io_workers first and supplies how one piece is served. */
#ifndef TB_IO_WORKERS_H
#define TB_IO_WORKERS_H

#include <pthread.h>
#include "io.h"

typedef struct { tb_read *head, *tail; } tb_read_queue;

typedef struct tb_io_workers tb_io_workers;

/* Moves bytes [off, off+len) of r (off relative to r->offset) into r->dst + off, on a worker
 * thread outside the lock. Returns 0, an errno, or TB_PREAD_EOF; *got = bytes moved. */
typedef int (*tb_io_piece_fn)(tb_io_workers *w, tb_read *r, int64_t off, int64_t len, int64_t *got);

struct tb_io_workers {
  tb_io base;                /* engine header (ops, cfg): first, so a tb_io * is a pool */
  tb_io_piece_fn serve;
  pthread_mutex_t mu;        /* guards everything below and tb_read.chunks_next / next */
  pthread_cond_t work;       /* workers wait here: a piece is queued, or stop */
  pthread_cond_t finished_cv;/* the reaper waits here: a read finished */
  tb_read_queue pending[2];  /* [TB_READ_DEMAND], [TB_READ_PREFETCH]: reads with pieces not yet taken */
  tb_read_queue finished;    /* completion order */
  int n_finished;
  int in_flight;             /* submitted and not yet reaped */
  int stop;
  int n_threads;             /* started */
  int sync_ready;            /* mutex and condition variables initialised */
  pthread_t threads[TB_IO_MAX_THREADS];
};

/* Fills the header, starts cfg->threads workers. On failure the pool is already stopped (call
 * tb_io_workers_stop anyway: it is idempotent) and the error names `engine`. */
int tb_io_workers_start(tb_io_workers *w, const tb_io_ops *ops, const tb_io_config *cfg,
                        tb_io_piece_fn serve, const char *engine);
/* Pieces in flight finish before it returns; reads still queued are dropped (their tb_read
 * structs belong to the caller). */
void tb_io_workers_stop(tb_io_workers *w);

/* Queue a read already checked by tb_read_prepare. */
void tb_io_workers_queue(tb_io_workers *w, tb_read *r);
/* Hand back a prepared read that needs no worker (its out fields already set by the engine). */
void tb_io_workers_finish(tb_io_workers *w, tb_read *r);

/* The tb_io_ops entries, shared as they are by every pool engine. */
int tb_io_workers_submit(tb_io *base, tb_read *r);   /* prepare with io.chunk, then queue */
int tb_io_workers_reap(tb_io *base, tb_read **done, int max, int min_done);
int tb_io_workers_promote(tb_io *base, tb_read *r);

/* Queue helpers (also used by the ring engine, which has no workers). */
void tb_read_queue_push(tb_read_queue *q, tb_read *r);
tb_read *tb_read_queue_pop(tb_read_queue *q);
/* Moves r from the prefetch to the demand queue if it is waiting there (promote's rule). */
int tb_read_queue_promote(tb_read_queue pending[2], tb_read *r);

#endif
