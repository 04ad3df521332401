/* test_io_errors.c — failed reads, for every engine that moves bytes: end of file, a bad
 * descriptor and a directory each come back as TB_ERR_IO naming path, offset and errno; bad
 * requests and configurations are refused up front with what would be valid. */
#define _GNU_SOURCE
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/io/io.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Submits one read and reaps it; returns the reaped read (or NULL on a reap failure). */
static tb_read *read_once(tb_io *io, tb_read *r) {
  TIO_OK(tb_io_submit(io, r));
  tb_read *done[1];
  int got = tb_io_reap(io, done, 1, 1);
  TB_CHECK(got == 1 && done[0] == r, "reap -> %d", got);
  return got == 1 ? done[0] : NULL;
}

TB_TEST(io_errors_end_of_file_names_path_offset_and_where_it_stopped) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_03.bin", 0);
  free(tio_make_file(path, 8192, 1));
  int fd = open(path, O_RDONLY);
  uint8_t *buf = tb_alloc_touched(16384, TB_ALIGN);
  static const int64_t chunks[] = { 0, 4096 };
  const tb_io_ops *ops;
  for (int e = 0; (ops = tio_engine(e)); e++)
    for (int c = 0; c < TB_ARRAY_LEN(chunks); c++) {
      tb_io *io = NULL;
      tb_io_config cfg = tio_config(2, chunks[c]);
      TIO_OK(tb_io_open(ops->name, &cfg, &io));
      if (!io) continue;
      tb_read r = { .fd = fd, .offset = 4096, .size = 12288, .dst = buf, .kind = TB_READ_DEMAND,
                    .layer = 3, .expert = 1, .path = path, .in_place_ok = 1 };
      tb_clear_error();     /* reap must record the message itself */
      if (read_once(io, &r)) {
        TB_CHECK(r.status == TB_ERR_IO && r.err_no == 0 && r.err_offset == 8192,
                 "%s chunk %lld: status %d errno %d err_offset %lld", ops->name, (long long)chunks[c],
                 r.status, r.err_no, (long long)r.err_offset);
        TB_CHECK(r.bytes_done == 4096 && r.data == buf,
                 "%s: %lld bytes arrived before the end, into the buffer", ops->name,
                 (long long)r.bytes_done);
        TIO_ERROR_HAS(path, "offset 4096", "size 12288", "layer 3 expert 1", "end of file at offset 8192");
        TB_CHECK(tb_read_error(&r) == TB_ERR_IO, "tb_read_error status");
      }
      tb_io_close(io);
    }
  TB_CHECK(tb_pread_full(fd, buf, 8192, 4096, path) == TB_ERR_IO, "tb_pread_full past EOF succeeded");
  TIO_ERROR_HAS(path, "offset 4096", "end of file after 4096 of 8192 bytes");
  TIO_OK(tb_pread_full(fd, buf, 8192, 0, path));
  tb_free_aligned(buf);
  close(fd);
}

TB_TEST(io_errors_bad_fd_and_directory_name_errno) {
  const char *dir = tb_test_tmpdir();
  uint8_t *buf = tb_alloc_touched(4096, TB_ALIGN);
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  const tb_io_ops *ops;
  for (int e = 0; (ops = tio_engine(e)); e++) {
    tb_io *io = NULL;
    tb_io_config cfg = tio_config(1, 0);
    TIO_OK(tb_io_open(ops->name, &cfg, &io));
    if (!io) continue;
    tb_read r = { .fd = -1, .offset = 8192, .size = 4096, .dst = buf, .kind = TB_READ_PREFETCH,
                  .layer = 0, .expert = 5, .path = "layer_00.bin", .in_place_ok = 1 };
    if (read_once(io, &r)) {
      TB_CHECK(r.status == TB_ERR_IO && r.err_no == EBADF && r.bytes_done == 0,
               "%s: status %d errno %d", ops->name, r.status, r.err_no);
      TIO_ERROR_HAS("layer_00.bin", "offset 8192", "Bad file descriptor", "errno 9");
    }
    r = (tb_read){ .fd = dfd, .offset = 0, .size = 4096, .dst = buf, .kind = TB_READ_DEMAND, .path = dir };
    if (read_once(io, &r)) {
      TB_CHECK(r.status == TB_ERR_IO && r.err_no == EISDIR, "%s: directory: status %d errno %d",
               ops->name, r.status, r.err_no);
      TIO_ERROR_HAS(dir, "offset 0", "errno 21");
    }
    tb_io_close(io);
  }
  TB_CHECK(tb_pread_full(-1, buf, 16, 32, "x.bin") == TB_ERR_IO, "tb_pread_full on fd -1");
  TIO_ERROR_HAS("read x.bin offset 32: Bad file descriptor (errno 9)");
  close(dfd);
  tb_free_aligned(buf);
}

TB_TEST(io_errors_bad_requests_are_refused_at_submit) {
  uint8_t *buf = tb_alloc_touched(8192, TB_ALIGN);
  const tb_io_ops *ops;
  for (int e = 0; (ops = tio_engine(e)); e++) {
    tb_io *io = NULL;
    tb_io_config cfg = tio_config(1, 0);
    TIO_OK(tb_io_open(ops->name, &cfg, &io));
    if (!io) continue;
    tb_read r = { .fd = 0, .direct = 1, .offset = 512, .size = 4096, .dst = buf, .path = "layer_07.bin" };
    TB_CHECK(tb_io_submit(io, &r) == TB_ERR_ARG, "%s: misaligned direct offset accepted", ops->name);
    TIO_ERROR_HAS("direct read layer_07.bin offset 512", "multiples of 4096");
    r.offset = 0; r.dst = buf + 1;
    TB_CHECK(tb_io_submit(io, &r) == TB_ERR_ARG, "%s: misaligned direct buffer accepted", ops->name);
    r.dst = buf; r.size = 0; r.direct = 0;
    TB_CHECK(tb_io_submit(io, &r) == TB_ERR_ARG, "%s: empty read accepted", ops->name);
    TIO_ERROR_HAS("size 0", "size > 0");
    r.size = 16; r.kind = 7;
    TB_CHECK(tb_io_submit(io, &r) == TB_ERR_ARG, "%s: kind 7 accepted", ops->name);
    TIO_ERROR_HAS("kind 7");
    tb_read *done[2];
    TB_CHECK(tb_io_reap(io, done, 2, 1) == TB_ERR_ARG, "%s: reap waited for a read never submitted", ops->name);
    TIO_ERROR_HAS("waiting for 1 reads, but only 0 are in flight");
    TB_CHECK(tb_io_reap(io, done, -1, 0) == TB_ERR_ARG, "%s: negative max accepted", ops->name);
    tb_io_close(io);
  }
  tb_free_aligned(buf);
}

TB_TEST(io_errors_open_refuses_unknown_engines_and_bad_config) {
  tb_io *io = NULL;
  tb_io_config cfg = { .threads = 4, .chunk = 0 };
  TB_CHECK(tb_io_open("aio", &cfg, &io) == TB_ERR_ARG && !io, "unknown engine opened");
  TIO_ERROR_HAS("io.engine 'aio' is unknown", "pread", "null", "io_uring", "mmap", "mmap-zerocopy");
  cfg.threads = 0;
  TB_CHECK(tb_io_open("pread", &cfg, &io) == TB_ERR_ARG && !io, "io.threads=0 accepted");
  TIO_ERROR_HAS("io.threads=0", "1..64");
  cfg.threads = 65;
  TB_CHECK(tb_io_open("pread", &cfg, &io) == TB_ERR_ARG && !io, "io.threads=65 accepted");
  cfg.threads = 1; cfg.chunk = -4096;
  TB_CHECK(tb_io_open("pread", &cfg, &io) == TB_ERR_ARG && !io, "negative io.chunk accepted");
  TIO_ERROR_HAS("io.chunk=-4096");
}
