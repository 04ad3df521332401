/* test_io_pread.c — the pread pool moves exactly the file's bytes: every thread count × chunk
 * size (including chunks that do not divide the read), buffered and O_DIRECT, with the
 * piece bookkeeping and timestamps of each read. */
#define _GNU_SOURCE
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/io/io.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FILE_BYTES 150001            /* not a multiple of anything: the last read ends at EOF */

typedef struct { int64_t offset, size; int kind; } span;

/* Submits every span at once, reaps them all and compares each buffer with the file. */
static void read_and_compare(tb_io *io, int fd, int direct, const char *path, const uint8_t *want,
                             const span *spans, int n, int64_t chunk) {
  tb_read reads[16];
  uint8_t *buf[16];
  for (int i = 0; i < n; i++) {
    buf[i] = tb_alloc_touched((size_t)spans[i].size, TB_ALIGN);
    memset(buf[i], 0xAA, (size_t)spans[i].size);
    reads[i] = (tb_read){ .fd = fd, .direct = direct, .offset = spans[i].offset,
                          .size = spans[i].size, .dst = buf[i], .kind = spans[i].kind,
                          .layer = 0, .expert = i, .path = path };
    TIO_OK(tb_io_submit(io, &reads[i]));
  }
  tb_read *done[16];
  int got = 0;
  while (got < n) {
    int rc = tb_io_reap(io, done + got, n - got, 1);
    TB_CHECK(rc >= 1, "reap -> %d: %s", rc, tb_error_message());
    if (rc < 1) break;
    got += rc;
  }
  int seen[16] = { 0 };
  for (int i = 0; i < got; i++) seen[done[i] - reads]++;
  for (int i = 0; i < n; i++) {
    tb_read *r = &reads[i];
    TB_CHECK(seen[i] == 1, "read %d reaped %d times", i, seen[i]);
    TB_CHECK(r->status == TB_OK, "read %d: status %d errno %d", i, r->status, r->err_no);
    TB_CHECK(memcmp(buf[i], want + r->offset, (size_t)r->size) == 0,
             "read %d (offset %lld size %lld, chunk %lld, direct %d): bytes differ from the file",
             i, (long long)r->offset, (long long)r->size, (long long)chunk, direct);
    int64_t piece = chunk == 0 || chunk >= r->size ? r->size : chunk;
    if (direct) piece = (piece + 4095) / 4096 * 4096;
    TB_CHECK(r->chunk_bytes == piece, "read %d: chunk_bytes %lld, expected %lld", i,
             (long long)r->chunk_bytes, (long long)piece);
    TB_CHECK(r->chunks_total == (int)((r->size + piece - 1) / piece) && r->chunks_done == r->chunks_total,
             "read %d: %d of %d pieces", i, r->chunks_done, r->chunks_total);
    TB_CHECK(r->bytes_done == r->size, "read %d: bytes_done %lld", i, (long long)r->bytes_done);
    TB_CHECK(r->t_submit > 0 && r->t_submit <= r->t_start && r->t_start <= r->t_done,
             "read %d: timestamps submit %.9f start %.9f done %.9f", i, r->t_submit, r->t_start, r->t_done);
    tb_free_aligned(buf[i]);
  }
  /* completion order: t_done never decreases along the reaped sequence */
  for (int i = 1; i < got; i++)
    TB_CHECK(done[i - 1]->t_done <= done[i]->t_done, "reaped out of completion order at %d", i);
}

TB_TEST(io_pread_bytes_match_file_for_threads_and_chunks) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_00.bin", 0);
  uint8_t *want = tio_make_file(path, FILE_BYTES, 42);
  int fd = open(path, O_RDONLY);
  TB_CHECK(fd >= 0, "open %s", path);
  if (!want || fd < 0) { free(want); return; }
  static const span spans[] = {
    { 0, 45056, TB_READ_DEMAND },        /* 11 pages */
    { 45056, 45056, TB_READ_PREFETCH },
    { 1234, 50001, TB_READ_DEMAND },     /* unaligned start and odd size */
    { 90112, FILE_BYTES - 90112, TB_READ_PREFETCH },  /* to the last byte */
    { 7, 1, TB_READ_DEMAND },
    { 12288, 12288, TB_READ_PREFETCH },  /* exactly one 12288 piece */
  };
  static const int threads[] = { 1, 2, 4, 8 };
  static const int64_t chunks[] = { 0, 4096, 12288, 5000 };
  for (int t = 0; t < TB_ARRAY_LEN(threads); t++)
    for (int c = 0; c < TB_ARRAY_LEN(chunks); c++) {
      tb_io *io = NULL;
      tb_io_config cfg = { .threads = threads[t], .chunk = chunks[c] };
      TIO_OK(tb_io_open("pread", &cfg, &io));
      if (!io) continue;
      read_and_compare(io, fd, 0, path, want, spans, TB_ARRAY_LEN(spans), chunks[c]);
      tb_io_close(io);
    }
  close(fd);
  free(want);
}

TB_TEST(io_pread_direct_reads_match_file_with_chunks_rounded_to_4096) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_01.bin", 0);
  uint8_t *want = tio_make_file(path, 40 * 4096, 7);
#ifdef O_DIRECT
  int fd = open(path, O_RDONLY | O_DIRECT);
#else
  int fd = open(path, O_RDONLY);
  if (fd >= 0) fcntl(fd, F_NOCACHE, 1);
#endif
  TB_CHECK(fd >= 0, "open %s for direct I/O", path);
  if (!want || fd < 0) { free(want); return; }
  static const span spans[] = {
    { 0, 65536, TB_READ_DEMAND },
    { 4096, 12288, TB_READ_PREFETCH },
    { 81920, 81920, TB_READ_DEMAND },    /* to the end of the file */
  };
  static const int threads[] = { 1, 4 };
  static const int64_t chunks[] = { 0, 4096, 12288, 5000 };   /* 5000 → pieces of 8192 */
  for (int t = 0; t < TB_ARRAY_LEN(threads); t++)
    for (int c = 0; c < TB_ARRAY_LEN(chunks); c++) {
      tb_io *io = NULL;
      tb_io_config cfg = { .threads = threads[t], .chunk = chunks[c] };
      TIO_OK(tb_io_open("pread", &cfg, &io));
      if (!io) continue;
      read_and_compare(io, fd, 1, path, want, spans, TB_ARRAY_LEN(spans), chunks[c]);
      tb_io_close(io);
    }
  close(fd);
  free(want);
}

TB_TEST(io_pread_reap_polls_without_blocking_and_returns_each_read_once) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_02.bin", 0);
  uint8_t *want = tio_make_file(path, 8192, 3);
  int fd = open(path, O_RDONLY);
  tb_io *io = NULL;
  tb_io_config cfg = { .threads = 2, .chunk = 0 };
  TIO_OK(tb_io_open("pread", &cfg, &io));
  if (!want || fd < 0 || !io) { free(want); tb_io_close(io); if (fd >= 0) close(fd); return; }
  tb_read *done[4];
  TB_CHECK(tb_io_reap(io, done, 4, 0) == 0, "poll with nothing submitted returned reads");
  uint8_t *buf = tb_alloc_touched(8192, TB_ALIGN);
  tb_read r = { .fd = fd, .offset = 0, .size = 8192, .dst = buf, .kind = TB_READ_DEMAND, .path = path };
  TIO_OK(tb_io_submit(io, &r));
  int got = 0;
  while (got == 0) got = tb_io_reap(io, done, 4, 0);   /* polling until it lands */
  TB_CHECK(got == 1 && done[0] == &r, "poll returned %d reads", got);
  TB_CHECK(tb_io_reap(io, done, 4, 0) == 0, "a read was returned twice");
  TB_CHECK(memcmp(buf, want, 8192) == 0, "bytes differ");
  tb_free_aligned(buf);
  tb_io_close(io);
  close(fd);
  free(want);
}
