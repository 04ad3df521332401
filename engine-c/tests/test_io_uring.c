/* test_io_uring.c — what is particular to io_uring: available exactly when built with liburing on
 * a kernel that allows it (else it refuses to open, saying why); at most io.queue_depth pieces in
 * the kernel; destroy waits for them. Bytes, errors, priority: the shared test_io_*.c. */
#define _GNU_SOURCE
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/io/io.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Opens io_uring, or — where it is unavailable — checks that opening fails with the engine's
 * reason, and returns NULL. */
static tb_io *open_or_check_refusal(const tb_io_config *cfg) {
  const tb_io_ops *ops = tb_io_find("io_uring");
  TB_CHECK(ops && ops->moves_bytes, "io_uring missing from the registry");
  if (!ops) return NULL;
  char why[256] = "";
  int available = ops->available(why, sizeof why);
  tb_io *io = NULL;
  int rc = tb_io_open("io_uring", cfg, &io);
  if (available) {
    TB_CHECK(rc == TB_OK && io && why[0] == 0, "available, yet open -> %d (%s), why \"%s\"", rc,
             tb_error_message(), why);
    return io;
  }
  TB_CHECK(why[0] != 0, "unavailable without a reason");
  TB_CHECK(rc == TB_ERR_UNAVAILABLE && !io, "unavailable, yet open -> %d", rc);
  TIO_ERROR_HAS("io.engine 'io_uring' is not available here", why);
  tb_io_close(io);
  return NULL;
}

TB_TEST(io_uring_available_when_built_with_liburing_else_says_why) {
  char why[256] = "";
  int available = tb_io_find("io_uring")->available(why, sizeof why);
#ifndef TB_HAVE_URING
  TB_CHECK(!available && strstr(why, "liburing"), "built without liburing: available %d, \"%s\"", available, why);
#else
  /* built with it: only the kernel may refuse (seccomp, io_uring_disabled), and then says so */
  TB_CHECK(available || strstr(why, "kernel"), "available %d, \"%s\"", available, why);
#endif
  tb_io_config cfg = tio_config(4, 0);
  tb_io_close(open_or_check_refusal(&cfg));
}

TB_TEST(io_uring_refuses_queue_depth_out_of_range) {
  const tb_io_ops *ops = tb_io_find("io_uring");
  char why[256];
  if (!ops->available(why, sizeof why)) {   /* then every open is refused for that reason */
    tb_io_config cfg = tio_config(4, 0);
    open_or_check_refusal(&cfg);
    return;
  }
  static const int bad[] = { 0, -1, 4097 };
  for (int i = 0; i < TB_ARRAY_LEN(bad); i++) {
    tb_io_config cfg = tio_config(1, 0);
    cfg.queue_depth = bad[i];
    tb_io *io = NULL;
    TB_CHECK(tb_io_open("io_uring", &cfg, &io) == TB_ERR_ARG && !io, "io.queue_depth=%d accepted", bad[i]);
    TIO_ERROR_HAS("io.queue_depth", "1..4096");
  }
}

#define N_READS 6
#define READ_BYTES 8192

TB_TEST(io_uring_keeps_at_most_queue_depth_pieces_in_the_kernel) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_00.bin", 0);
  uint8_t *want = tio_make_file(path, N_READS * READ_BYTES, 9);
  int fd = open(path, O_RDONLY);
  uint8_t *buf = tb_alloc_touched(N_READS * READ_BYTES, TB_ALIGN);
  tb_io_config cfg = tio_config(1, 4096);      /* 2 pieces per read */
  cfg.queue_depth = 3;
  cfg.threads = 8;                             /* not used by io_uring: the ring is the limit */
  tb_io *io = want && fd >= 0 && buf ? open_or_check_refusal(&cfg) : NULL;
  if (io) {
    tb_read r[N_READS];
    for (int i = 0; i < N_READS; i++) {
      r[i] = (tb_read){ .fd = fd, .offset = i * READ_BYTES, .size = READ_BYTES,
                        .dst = buf + i * READ_BYTES, .kind = TB_READ_DEMAND, .path = path };
      TIO_OK(tb_io_submit(io, &r[i]));
    }
    /* submit never reaps: 3 slots = both pieces of read 0 and the first of read 1 */
    TB_CHECK(r[0].chunks_next == 2 && r[1].chunks_next == 1 && r[2].chunks_next == 0,
             "pieces handed to the kernel: %d, %d, %d", r[0].chunks_next, r[1].chunks_next, r[2].chunks_next);
    for (int i = 2; i < N_READS; i++)
      TB_CHECK(r[i].t_start == 0, "read %d started with every slot taken", i);
    tb_read *done[N_READS];
    int got = 0;
    while (got < N_READS) {
      int n = tb_io_reap(io, done + got, N_READS - got, 1);
      TB_CHECK(n >= 1, "reap -> %d: %s", n, tb_error_message());
      if (n < 1) break;
      got += n;
    }
    TB_CHECK(got == N_READS && memcmp(buf, want, N_READS * READ_BYTES) == 0, "bytes differ");
    for (int i = 1; i < got; i++)   /* one demand queue, served in order */
      TB_CHECK(done[i - 1]->t_start <= done[i]->t_start, "reads started out of order at %d", i);
  }
  tb_io_close(io);
  tb_free_aligned(buf);
  if (fd >= 0) close(fd);
  free(want);
}

TB_TEST(io_uring_destroy_waits_for_pieces_in_the_kernel) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_01.bin", 0);
  uint8_t *want = tio_make_file(path, 4 * READ_BYTES, 10);
  int fd = open(path, O_RDONLY);
  uint8_t *buf = tb_alloc_touched(4 * READ_BYTES, TB_ALIGN);
  tb_io_config cfg = tio_config(2, 0);
  tb_io *io = want && fd >= 0 && buf ? open_or_check_refusal(&cfg) : NULL;
  if (io) {
    memset(buf, 0xAA, 4 * READ_BYTES);
    tb_read r[4];
    for (int i = 0; i < 4; i++) {
      r[i] = (tb_read){ .fd = fd, .offset = i * READ_BYTES, .size = READ_BYTES,
                        .dst = buf + i * READ_BYTES, .kind = TB_READ_PREFETCH, .path = path };
      TIO_OK(tb_io_submit(io, &r[i]));
    }
    tb_io_close(io);   /* never reaped: the two in the kernel land first, the queued two are dropped */
    TB_CHECK(memcmp(buf, want, 2 * READ_BYTES) == 0, "destroy returned before the reads in flight landed");
    int untouched = 1;
    for (int i = 2 * READ_BYTES; i < 4 * READ_BYTES; i++) untouched &= buf[i] == 0xAA;
    TB_CHECK(untouched, "reads still queued in user space were issued by destroy");
  }
  tb_free_aligned(buf);
  if (fd >= 0) close(fd);
  free(want);
}
