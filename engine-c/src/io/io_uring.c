/* io_uring.c — the io_uring engine (liburing, no threads of its own, no SQPOLL): up to
 * io.queue_depth pieces in the kernel, the rest queued in user space, demand first. Without
 * liburing, or on a kernel that refuses io_uring, it reports itself unavailable with the reason. */
#define _GNU_SOURCE
#include "io_workers.h"
#include "../util/common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const tb_io_ops tb_io_uring;

#ifdef TB_HAVE_URING
#include <errno.h>
#include <liburing.h>
#include <pthread.h>

#define MAX_SQE_BYTES (1 << 30)   /* one SQE reads at most this much (its length is 32-bit); a
                                     longer piece continues like a short read */

/* One piece in the kernel: which read, which bytes of it (relative to r->offset), how many of
 * them have arrived (a short read is resubmitted for the rest). */
typedef struct {
  tb_read *r;
  int64_t off, len, done;
} ring_piece;

typedef struct {
  tb_io base;
  struct io_uring ring;
  int ring_ready;
  int depth;                 /* io.queue_depth: most pieces in the kernel at once */
  ring_piece *pieces;        /* [depth] */
  int *free_ids;             /* [depth] stack of free piece ids */
  int n_free;
  tb_read_queue pending[2];  /* [TB_READ_DEMAND], [TB_READ_PREFETCH]: reads with pieces not yet in the kernel */
  tb_read_queue finished;    /* completion order, as seen by this thread */
  int n_finished;
  int in_flight;             /* reads submitted and not yet reaped */
} uring_io;

/* Hands the prepared SQEs to the kernel. EAGAIN / EBUSY leave them in the SQ ring; they go in
 * with the next submit or wait. */
static int submit_prepared(uring_io *io) {
  while (io_uring_sq_ready(&io->ring) > 0) {
    int n = io_uring_submit(&io->ring);
    if (n == -EINTR) continue;
    if (n >= 0 || n == -EAGAIN || n == -EBUSY) return TB_OK;
    return tb_fail(TB_ERR_IO, "io_uring_submit: %s (errno %d)", strerror(-n), -n);
  }
  return TB_OK;
}

/* Prepares the SQE for what is left of piece `id`. Each slot has at most one SQE, in the SQ
 * ring or in the kernel, and the SQ ring has >= depth entries: get_sqe never comes back empty. */
static void prep_piece(uring_io *io, int id) {
  ring_piece *p = &io->pieces[id];
  tb_read *r = p->r;
  int64_t left = p->len - p->done;
  struct io_uring_sqe *sqe = io_uring_get_sqe(&io->ring);
  io_uring_prep_read(sqe, r->fd, (char *)r->dst + p->off + p->done,
                     (unsigned)(left < MAX_SQE_BYTES ? left : MAX_SQE_BYTES),
                     (uint64_t)(r->offset + p->off + p->done));
  io_uring_sqe_set_data64(sqe, (uint64_t)id);
}

static void piece_done(uring_io *io, tb_read *r) {
  if (++r->chunks_done < r->chunks_total) return;
  r->t_done = tb_now();
  tb_read_queue_push(&io->finished, r);
  io->n_finished++;
}

/* Fills free ring slots from the queues, demand first, and submits. */
static int pump(uring_io *io) {
  while (io->n_free > 0) {
    tb_read *r = io->pending[TB_READ_DEMAND].head;
    if (!r) r = io->pending[TB_READ_PREFETCH].head;
    if (!r) break;
    int piece = r->chunks_next++;
    if (r->chunks_next == r->chunks_total) tb_read_queue_pop(&io->pending[r->queue]);
    if (piece == 0) r->t_start = tb_now();
    int64_t off = (int64_t)piece * r->chunk_bytes;
    /* after a failure the rest of the read is lost: skipped (pieces go in in order, so none
     * before the failure is ever skipped) */
    if (r->status != TB_OK && r->offset + off >= r->err_offset) { piece_done(io, r); continue; }
    int id = io->free_ids[--io->n_free];
    ring_piece *p = &io->pieces[id];
    p->r = r;
    p->off = off;
    p->len = r->size - p->off < r->chunk_bytes ? r->size - p->off : r->chunk_bytes;
    p->done = 0;
    prep_piece(io, id);
  }
  return submit_prepared(io);
}

/* Keeps the failure nearest the start of the read (for a short file: where it ends). */
static void fail_read(tb_read *r, int err_no, int64_t at) {
  if (r->status != TB_OK && at >= r->err_offset) return;
  r->status = TB_ERR_IO;
  r->err_no = err_no;
  r->err_offset = at;
}

/* One completion. EINTR/EAGAIN and short reads go back into the ring for the rest; `resubmit`
 * is 0 while draining at destroy. */
static void complete(uring_io *io, struct io_uring_cqe *cqe, int resubmit) {
  int id = (int)io_uring_cqe_get_data64(cqe);
  ring_piece *p = &io->pieces[id];
  tb_read *r = p->r;
  int res = cqe->res;
  if (res > 0) {
    p->done += res;
    r->bytes_done += res;
  } else if (res == -EINTR || res == -EAGAIN) {
    res = 1;                        /* nothing arrived; try again */
  } else {
    fail_read(r, res == 0 ? 0 : -res, r->offset + p->off + p->done);   /* 0: end of file */
  }
  if (res > 0 && p->done < p->len && resubmit) { prep_piece(io, id); return; }
  io->free_ids[io->n_free++] = id;
  piece_done(io, r);
}

/* Takes every completion already posted, then refills the ring. */
static int harvest(uring_io *io) {
  struct io_uring_cqe *cqe;
  unsigned head, seen = 0;
  io_uring_for_each_cqe(&io->ring, head, cqe) {
    complete(io, cqe, 1);
    seen++;
  }
  io_uring_cq_advance(&io->ring, seen);
  return pump(io);
}

static int in_kernel(const uring_io *io) { return io->depth - io->n_free; }

/* Waits until at least one completion is posted (submitting what is prepared). */
static int wait_one(uring_io *io) {
  struct io_uring_cqe *cqe;
  for (;;) {
    int rc = io_uring_submit_and_wait(&io->ring, 1);
    if (rc >= 0 || rc == -EINTR || rc == -EAGAIN || rc == -EBUSY) {
      if (io_uring_peek_cqe(&io->ring, &cqe) == 0) return TB_OK;
      continue;
    }
    return tb_fail(TB_ERR_IO, "io_uring_submit_and_wait: %s (errno %d)", strerror(-rc), -rc);
  }
}

/* Reads still in the kernel write into caller buffers: wait them out before the ring goes. */
static void uring_destroy(tb_io *base) {
  uring_io *io = (uring_io *)base;
  if (!io) return;
  if (io->ring_ready) {
    while (in_kernel(io) > 0 && wait_one(io) == TB_OK) {
      struct io_uring_cqe *cqe;
      unsigned head, seen = 0;
      io_uring_for_each_cqe(&io->ring, head, cqe) { complete(io, cqe, 0); seen++; }
      io_uring_cq_advance(&io->ring, seen);
    }
    io_uring_queue_exit(&io->ring);
  }
  free(io->pieces);
  free(io->free_ids);
  free(io);
}

static int uring_create(tb_io **out, const tb_io_config *cfg) {
  *out = NULL;
  if (cfg->queue_depth < 1 || cfg->queue_depth > 4096)
    return tb_fail(TB_ERR_ARG, "io.queue_depth=%d: must be 1..4096", cfg->queue_depth);
  uring_io *io = calloc(1, sizeof *io);
  if (io) {
    io->pieces = calloc((size_t)cfg->queue_depth, sizeof *io->pieces);
    io->free_ids = calloc((size_t)cfg->queue_depth, sizeof *io->free_ids);
  }
  if (!io || !io->pieces || !io->free_ids) {
    uring_destroy(io ? &io->base : NULL);
    return tb_fail(TB_ERR_NOMEM, "io engine io_uring: out of memory for %d ring slots", cfg->queue_depth);
  }
  io->base.ops = &tb_io_uring;
  io->base.cfg = *cfg;
  io->depth = cfg->queue_depth;
  for (int i = 0; i < io->depth; i++) io->free_ids[i] = io->depth - 1 - i;
  io->n_free = io->depth;
  /* No SQPOLL: submission costs this thread a syscall per batch instead of a polling kernel
   * thread that would take one of the cores the run is measured on. */
  int rc = io_uring_queue_init((unsigned)io->depth, &io->ring, 0);
  if (rc < 0) {
    uring_destroy(&io->base);
    return tb_fail(rc == -ENOMEM ? TB_ERR_NOMEM : TB_ERR_UNAVAILABLE,
                   "io engine io_uring: io_uring_queue_init(%d): %s (errno %d)", cfg->queue_depth,
                   strerror(-rc), -rc);
  }
  io->ring_ready = 1;
  *out = &io->base;
  return TB_OK;
}

/* Queues the read; pieces enter the kernel only while ring slots are free, so submit never
 * reaps and a demand read queued now is next in whatever slot frees up. */
static int uring_submit(tb_io *base, tb_read *r) {
  uring_io *io = (uring_io *)base;
  int rc = tb_read_prepare(r, io->base.cfg.chunk);
  if (rc) return rc;
  tb_read_queue_push(&io->pending[r->kind], r);
  io->in_flight++;
  return pump(io);
}

static int uring_reap(tb_io *base, tb_read **done, int max, int min_done) {
  uring_io *io = (uring_io *)base;
  if (max < 0 || min_done < 0)
    return tb_fail(TB_ERR_ARG, "io reap: max=%d and min_done=%d must be >= 0", max, min_done);
  if (min_done > max) min_done = max;
  if (min_done > io->in_flight)
    return tb_fail(TB_ERR_ARG, "io reap: waiting for %d reads, but only %d are in flight",
                   min_done, io->in_flight);
  int rc = harvest(io);
  while (rc == TB_OK && io->n_finished < min_done)
    if ((rc = wait_one(io)) == TB_OK) rc = harvest(io);
  if (rc < 0) return rc;
  int n = 0;
  while (n < max && io->finished.head) done[n++] = tb_read_queue_pop(&io->finished);
  io->n_finished -= n;
  io->in_flight -= n;
  for (int i = 0; i < n; i++)
    if (done[i]->status != TB_OK) { tb_read_error(done[i]); break; }
  return n;
}

static int uring_promote(tb_io *base, tb_read *r) {
  return tb_read_queue_promote(((uring_io *)base)->pending, r);
}

/* Whether this kernel lets us make a ring and read with it, asked once per process. */
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static char probe_why[160];
static void probe_kernel(void) {
  struct io_uring ring;
  int rc = io_uring_queue_init(2, &ring, 0);
  if (rc < 0) {
    snprintf(probe_why, sizeof probe_why, "the kernel refuses io_uring_setup: %s (errno %d)%s",
             strerror(-rc), -rc, -rc == EPERM ? "; see /proc/sys/kernel/io_uring_disabled" : "");
    return;
  }
  struct io_uring_probe *probe = io_uring_get_probe_ring(&ring);
  if (!probe || !io_uring_opcode_supported(probe, IORING_OP_READ))
    snprintf(probe_why, sizeof probe_why, "the kernel's io_uring lacks IORING_OP_READ (Linux >= 5.6)");
  if (probe) io_uring_free_probe(probe);
  io_uring_queue_exit(&ring);
}

static int uring_available(char *why, int why_len) {
  pthread_once(&probe_once, probe_kernel);
  if (probe_why[0] && why_len > 0) snprintf(why, (size_t)why_len, "%s", probe_why);
  return probe_why[0] == 0;
}

#define URING_OPS .create = uring_create, .destroy = uring_destroy, .submit = uring_submit, \
                  .reap = uring_reap, .promote = uring_promote

#else  /* built without liburing: listed, and says why it cannot run */

static int uring_available(char *why, int why_len) {
  if (why_len > 0)
    snprintf(why, (size_t)why_len, "built without liburing (install liburing-dev, e.g. "
             "apt-get install liburing-dev, and rebuild the engine)");
  return 0;
}

static int uring_unavailable(tb_io **out, const tb_io_config *cfg) {
  *out = NULL;
  char why[160];
  uring_available(why, sizeof why);
  return tb_fail(TB_ERR_UNAVAILABLE, "io engine io_uring: %s", why);
}
static void uring_none(tb_io *io) {}
static int uring_no_submit(tb_io *io, tb_read *r) { return TB_ERR_UNAVAILABLE; }
static int uring_no_reap(tb_io *io, tb_read **d, int max, int min) { return TB_ERR_UNAVAILABLE; }

#define URING_OPS .create = uring_unavailable, .destroy = uring_none, \
                  .submit = uring_no_submit, .reap = uring_no_reap

#endif

const tb_io_ops tb_io_uring = {
  .name = "io_uring",
  .help = "io_uring (liburing) from the calling thread, no SQPOLL: up to io.queue_depth pieces in "
          "the kernel at once (io.threads is not used); the rest wait in user space, demand "
          "before prefetch; io.chunk splits a record into pieces.",
  .moves_bytes = 1,
  .available = uring_available,
  URING_OPS,
};
