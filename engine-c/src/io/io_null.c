/* io_null.c — the null engine: every read completes at once without touching its buffer
 * (after fio's null engine), so a run measures the harness's own per-read overhead. */
#include "io.h"
#include "../util/common.h"
#include <stdlib.h>

extern const tb_io_ops tb_io_null;

typedef struct {
  tb_io base;
  tb_read *head, *tail;      /* finished, in submission order (= completion order) */
  int n_finished;
} null_io;

static int null_create(tb_io **out, const tb_io_config *cfg) {
  null_io *io = calloc(1, sizeof *io);
  if (!io) return tb_fail(TB_ERR_NOMEM, "io engine null: out of memory");
  io->base.ops = &tb_io_null;
  io->base.cfg = *cfg;
  *out = &io->base;
  return TB_OK;
}

static void null_destroy(tb_io *base) { free(base); }

static int null_submit(tb_io *base, tb_read *r) {
  null_io *io = (null_io *)base;
  int rc = tb_read_prepare(r, 0);
  if (rc) return rc;
  r->t_start = r->t_done = r->t_submit;
  r->chunks_done = r->chunks_total;   /* bytes_done stays 0: nothing moved */
  if (io->tail) io->tail->next = r; else io->head = r;
  io->tail = r;
  io->n_finished++;
  return TB_OK;
}

static int null_reap(tb_io *base, tb_read **done, int max, int min_done) {
  null_io *io = (null_io *)base;
  if (max < 0 || min_done < 0)
    return tb_fail(TB_ERR_ARG, "io reap: max=%d and min_done=%d must be >= 0", max, min_done);
  if (min_done > max) min_done = max;
  if (min_done > io->n_finished)
    return tb_fail(TB_ERR_ARG, "io reap: waiting for %d reads, but only %d are in flight",
                   min_done, io->n_finished);
  int n = 0;
  while (n < max && io->head) {
    tb_read *r = io->head;
    io->head = r->next;
    r->next = NULL;
    done[n++] = r;
  }
  if (!io->head) io->tail = NULL;
  io->n_finished -= n;
  return n;
}

static int null_available(char *why, int why_len) { return 1; }

const tb_io_ops tb_io_null = {
  .name = "null",
  .help = "Completes every read at once without reading (fio's null engine): measures the "
          "harness's own overhead. Output is not checked against the hash rule.",
  .moves_bytes = 0,
  .available = null_available,
  .create = null_create,
  .destroy = null_destroy,
  .submit = null_submit,
  .reap = null_reap,
};
