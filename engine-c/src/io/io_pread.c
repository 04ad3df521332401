/* io_pread.c — the pread pool: io.threads workers (io_workers.c) each serving a piece of a read
 * with pread(2), demand pieces before queued prefetch pieces; io.chunk splits a record so that
 * several workers share it. */
#define _GNU_SOURCE
#include "io_workers.h"
#include "../util/common.h"
#include <stdlib.h>

extern const tb_io_ops tb_io_pread;

static int serve_pread(tb_io_workers *w, tb_read *r, int64_t off, int64_t len, int64_t *got) {
  return tb_pread_exact(r->fd, (char *)r->dst + off, len, r->offset + off, got);
}

static void pread_destroy(tb_io *base) {
  if (!base) return;
  tb_io_workers_stop((tb_io_workers *)base);
  free(base);
}

static int pread_create(tb_io **out, const tb_io_config *cfg) {
  *out = NULL;
  tb_io_workers *w = calloc(1, sizeof *w);
  if (!w) return tb_fail(TB_ERR_NOMEM, "io engine pread: out of memory creating the pool");
  int rc = tb_io_workers_start(w, &tb_io_pread, cfg, serve_pread, "pread");
  if (rc < 0) { pread_destroy(&w->base); return rc; }
  *out = &w->base;
  return TB_OK;
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
  .submit = tb_io_workers_submit,
  .reap = tb_io_workers_reap,
  .promote = tb_io_workers_promote,
};
