/* test_io_priority.c — demand reads go ahead of queued prefetch reads, for every engine that moves
 * bytes: one worker (or ring slot) kept busy by a large read while prefetch and demand reads queue
 * behind it. A trial where the worker outran the submitting thread proves nothing: repeated. */
#define _GNU_SOURCE
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/io/io.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUSY_BYTES (64 << 20)   /* ≈ 5–20 ms from the page cache: the window to queue reads in */
#define SMALL 4096
#define N_PREFETCH 8
#define TRIALS 5

typedef struct { const char *path; int fd; uint8_t *busy_buf, *small_buf; } fixture;

static int setup(fixture *f) {
  f->path = tio_path(tb_test_tmpdir(), "layer_00.bin", 0);
  uint8_t *bytes = tio_make_file(f->path, BUSY_BYTES, 11);
  free(bytes);
  f->fd = open(f->path, O_RDONLY);
  f->busy_buf = tb_alloc_touched(BUSY_BYTES, TB_ALIGN);
  f->small_buf = tb_alloc_touched((N_PREFETCH + 1) * SMALL, TB_ALIGN);
  return bytes && f->fd >= 0 && f->busy_buf && f->small_buf;
}

static void teardown(fixture *f) {
  if (f->fd >= 0) close(f->fd);
  tb_free_aligned(f->busy_buf);
  tb_free_aligned(f->small_buf);
}

static tb_read make_read(const fixture *f, void *dst, int64_t offset, int64_t size, int kind) {
  return (tb_read){ .fd = f->fd, .offset = offset, .size = size, .dst = dst, .kind = kind,
                    .path = f->path };
}

static int reap_all(tb_io *io, tb_read **done, int n) {
  int got = 0;
  while (got < n) {
    int rc = tb_io_reap(io, done + got, n - got, n - got);
    if (rc <= 0) { TB_CHECK(0, "reap -> %d: %s", rc, tb_error_message()); break; }
    got += rc;
  }
  return got;
}

static void io_priority_demand_overtakes_queued_prefetch_reads_with(const char *engine) {
  fixture f;
  if (!setup(&f)) { TB_CHECK(0, "%s: fixture", engine); teardown(&f); return; }
  tb_io *io = NULL;
  tb_io_config cfg = tio_config(1, 0);
  TIO_OK(tb_io_open(engine, &cfg, &io));
  int decided = 0;
  for (int trial = 0; io && trial < TRIALS && !decided; trial++) {
    tb_read busy = make_read(&f, f.busy_buf, 0, BUSY_BYTES, TB_READ_PREFETCH);
    tb_read pre[N_PREFETCH], demand;
    TIO_OK(tb_io_submit(io, &busy));
    for (int i = 0; i < N_PREFETCH; i++) {
      pre[i] = make_read(&f, f.small_buf + i * SMALL, (int64_t)i * SMALL, SMALL, TB_READ_PREFETCH);
      TIO_OK(tb_io_submit(io, &pre[i]));
    }
    demand = make_read(&f, f.small_buf + N_PREFETCH * SMALL, 1 << 20, SMALL, TB_READ_DEMAND);
    TIO_OK(tb_io_submit(io, &demand));
    tb_read *done[N_PREFETCH + 2];
    int got = reap_all(io, done, N_PREFETCH + 2);
    if (got != N_PREFETCH + 2) break;

    int waiting = 0;          /* prefetch reads not yet started when the demand read arrived */
    for (int i = 0; i < N_PREFETCH; i++) waiting += pre[i].t_start > demand.t_submit;
    if (waiting < N_PREFETCH) continue;   /* the worker outran the submitter: no evidence */
    decided = 1;
    int pos = -1;
    for (int i = 0; i < got; i++) if (done[i] == &demand) pos = i;
    /* Position 0 when the worker had not yet taken the busy read, else 1 behind it. */
    TB_CHECK(pos == 0 || (pos == 1 && done[0] == &busy),
             "%s: demand read finished at position %d of %d; only the read in flight may precede it", engine,
             pos, got);
    for (int i = 0; i < N_PREFETCH; i++)
      TB_CHECK(pre[i].t_start >= demand.t_done, "%s: prefetch %d started before the demand read finished", engine, i);
    int k = 0;                /* the prefetch reads after it, in submission order */
    for (int i = 0; i < got; i++)
      if (done[i] != &busy && done[i] != &demand)
        TB_CHECK(done[i] == &pre[k++], "%s: prefetch reads not served in submission order at %d", engine, i);
  }
  TB_CHECK(decided, "%s: in %d trials the single worker never stayed busy long enough to queue reads", engine, TRIALS);
  tb_io_close(io);
  teardown(&f);
}

static void io_priority_demand_overtakes_a_chunked_prefetch_between_pieces_with(const char *engine) {
  fixture f;
  if (!setup(&f)) { TB_CHECK(0, "%s: fixture", engine); teardown(&f); return; }
  tb_io *io = NULL;
  tb_io_config cfg = tio_config(1, 1 << 20);   /* the busy read is 64 pieces */
  TIO_OK(tb_io_open(engine, &cfg, &io));
  int decided = 0;
  for (int trial = 0; io && trial < TRIALS && !decided; trial++) {
    tb_read busy = make_read(&f, f.busy_buf, 0, BUSY_BYTES, TB_READ_PREFETCH);
    tb_read demand = make_read(&f, f.small_buf, 1 << 20, SMALL, TB_READ_DEMAND);
    TIO_OK(tb_io_submit(io, &busy));
    TIO_OK(tb_io_submit(io, &demand));
    tb_read *done[2];
    if (reap_all(io, done, 2) != 2) break;
    /* Evidence only if the demand read arrived while most of the pieces were still queued. */
    if (demand.t_submit > busy.t_start + 0.5 * (busy.t_done - busy.t_start)) continue;
    decided = 1;
    TB_CHECK(done[0] == &demand && demand.t_done < busy.t_done,
             "%s: the demand read waited for all 64 pieces of the prefetch read", engine);
    TB_CHECK(memcmp(f.small_buf, f.busy_buf + (1 << 20), SMALL) == 0, "%s: demand bytes differ", engine);
  }
  TB_CHECK(decided, "%s: in %d trials the demand read never arrived while the prefetch was under way", engine, TRIALS);
  tb_io_close(io);
  teardown(&f);
}

static void io_priority_promoted_prefetch_read_overtakes_the_prefetch_queue_with(const char *engine) {
  fixture f;
  if (!setup(&f)) { TB_CHECK(0, "%s: fixture", engine); teardown(&f); return; }
  tb_io *io = NULL;
  tb_io_config cfg = tio_config(1, 0);
  TIO_OK(tb_io_open(engine, &cfg, &io));
  const int wanted = 5;       /* the prefetch read a demand request now needs */
  int decided = 0;
  for (int trial = 0; io && trial < TRIALS && !decided; trial++) {
    tb_read busy = make_read(&f, f.busy_buf, 0, BUSY_BYTES, TB_READ_PREFETCH);
    tb_read pre[N_PREFETCH];
    TIO_OK(tb_io_submit(io, &busy));
    for (int i = 0; i < N_PREFETCH; i++) {
      pre[i] = make_read(&f, f.small_buf + i * SMALL, (int64_t)i * SMALL, SMALL, TB_READ_PREFETCH);
      TIO_OK(tb_io_submit(io, &pre[i]));
    }
    double t_promote = tb_now();
    int moved = tb_io_promote(io, &pre[wanted]);
    tb_read *done[N_PREFETCH + 1];
    if (reap_all(io, done, N_PREFETCH + 1) != N_PREFETCH + 1) break;
    int waiting = 0;
    for (int i = 0; i < N_PREFETCH; i++) waiting += pre[i].t_start > t_promote;
    if (waiting < N_PREFETCH) continue;   /* the worker outran the submitter: no evidence */
    decided = 1;
    TB_CHECK(moved == 1 && pre[wanted].promoted == 1 && pre[wanted].kind == TB_READ_PREFETCH,
             "%s: promote -> %d, promoted %d, kind %d", engine, moved, pre[wanted].promoted, pre[wanted].kind);
    for (int i = 0; i < N_PREFETCH; i++)
      if (i != wanted)
        TB_CHECK(pre[i].t_start >= pre[wanted].t_done && !pre[i].promoted,
                 "%s: prefetch %d started before the promoted read finished", engine, i);
    TB_CHECK(tb_io_promote(io, &pre[wanted]) == 0, "%s: a finished read was promoted again", engine);
  }
  TB_CHECK(decided, "%s: in %d trials the single worker never stayed busy long enough to queue reads", engine, TRIALS);
  tb_io_close(io);
  teardown(&f);
}

TB_TEST(io_priority_demand_overtakes_queued_prefetch_reads) {
  const tb_io_ops *ops;
  for (int e = 0; (ops = tio_engine(e)); e++) io_priority_demand_overtakes_queued_prefetch_reads_with(ops->name);
}

TB_TEST(io_priority_demand_overtakes_a_chunked_prefetch_between_pieces) {
  const tb_io_ops *ops;
  for (int e = 0; (ops = tio_engine(e)); e++) io_priority_demand_overtakes_a_chunked_prefetch_between_pieces_with(ops->name);
}

TB_TEST(io_priority_promoted_prefetch_read_overtakes_the_prefetch_queue) {
  const tb_io_ops *ops;
  for (int e = 0; (ops = tio_engine(e)); e++) io_priority_promoted_prefetch_read_overtakes_the_prefetch_queue_with(ops->name);
}
