/* test_prefetch_fixture.c — traces and the gated I/O engine of the prefetch tests (see the
 * header). The gated engine reads with pread on the caller's thread: no workers, no races. */
#include "test_prefetch_fixture.h"
#include "tb_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pfx_no_reuse(int token, int layer, int j) { return (4 * token + j) % 16; }

const char *pfx_trace(const char *dir, const char *name, int slot, int tokens, pfx_rule rule) {
  static char paths[4][4200];
  char *path = paths[slot & 3];
  snprintf(path, sizeof paths[0], "%s/%s", dir, name);
  tb_routing rt;
  if (tb_routing_alloc(&rt, tokens, 3, 16, 4) < 0) { TB_CHECK(0, "alloc: %s", tb_last_error()); return NULL; }
  for (int t = 0; t < tokens; t++)
    for (int l = 0; l < 3; l++)
      for (int j = 0; j < 4; j++) {
        size_t i = ((size_t)t * 3 + l) * 4 + j;
        rt.ids[i] = rule(t, l, j);
        rt.weights[i] = 0.25f;
      }
  int rc = tb_routing_save(&rt, path);
  TB_CHECK(rc == TB_OK, "save %s: %s", path, tb_last_error());
  tb_routing_free(&rt);
  return rc == TB_OK ? path : NULL;
}

void pfx_config(tb_config *c, const char *model, int tokens, const char *trace) {
  fx_config(c, model, tokens);
  fx_set_str(c, "routing.source", "trace");
  fx_set_str(c, "routing.trace", trace);
}

/* ---- the gated engine ---- */
typedef struct {
  tb_io base;
  tb_read *done[512];
  int n_done;
  tb_read *held[512];
  int n_held;
  tb_read *promoted[512];  /* promoted, completed by the next reap */
  int n_promoted;
  pfx_gate_log *log;
  const tb_run *run;
} gated_io;

static void complete(gated_io *g, tb_read *r) {
  r->t_start = tb_now();
  int64_t got = 0;
  int err = tb_pread_exact(r->fd, r->dst, r->size, r->offset, &got);
  if (err) { r->status = TB_ERR_IO; r->err_no = err == TB_PREAD_EOF ? 0 : err; r->err_offset = r->offset + got; }
  r->bytes_done = got;
  r->chunks_done = r->chunks_total;
  r->t_done = tb_now();
  g->done[g->n_done++] = r;
}

static void release_oldest(gated_io *g) {
  tb_read *r = g->held[0];
  memmove(g->held, g->held + 1, (size_t)--g->n_held * sizeof *g->held);
  complete(g, r);
  g->log->released++;
}

static int gated_submit(tb_io *base, tb_read *r) {
  gated_io *g = (gated_io *)base;
  int rc = tb_read_prepare(r, 0);
  if (rc) return rc;
  if (g->log->n < 4096) { g->log->kinds[g->log->n] = r->kind; g->log->layers[g->log->n] = g->run->layer; g->log->n++; }
  if (r->kind == TB_READ_DEMAND) complete(g, r);
  else g->held[g->n_held++] = r;
  return TB_OK;
}

static int gated_reap(tb_io *base, tb_read **done, int max, int min_done) {
  gated_io *g = (gated_io *)base;
  for (int i = 0; i < g->n_promoted; i++) complete(g, g->promoted[i]);
  g->n_promoted = 0;
  while (g->n_done < min_done && g->n_held > 0) release_oldest(g);
  if (g->n_done < min_done) return tb_fail(TB_ERR_ARG, "gated reap: waiting for %d, none in flight", min_done);
  int n = g->n_done < max ? g->n_done : max;
  memcpy(done, g->done, (size_t)n * sizeof *done);
  memmove(g->done, g->done + n, (size_t)(g->n_done - n) * sizeof *g->done);
  g->n_done -= n;
  return n;
}

static int gated_promote(tb_io *base, tb_read *r) {
  gated_io *g = (gated_io *)base;
  for (int i = 0; i < g->n_held; i++)
    if (g->held[i] == r) {
      memmove(g->held + i, g->held + i + 1, (size_t)(--g->n_held - i) * sizeof *g->held);
      r->promoted = 1;
      g->promoted[g->n_promoted++] = r;
      g->log->promoted++;
      return 1;
    }
  return 0;
}

static void gated_destroy(tb_io *base) { free(base); }

static const tb_io_ops gated_ops = {
  .name = "gated", .moves_bytes = 1, .destroy = gated_destroy, .submit = gated_submit,
  .reap = gated_reap, .promote = gated_promote,
};

void pfx_gate(tb_run *r, pfx_gate_log *log) {
  memset(log, 0, sizeof *log);
  r->io_ops->destroy(r->io);
  gated_io *g = calloc(1, sizeof *g);
  g->base.ops = &gated_ops;
  g->log = log;
  g->run = r;
  r->io = &g->base;
  r->io_ops = &gated_ops;
}
