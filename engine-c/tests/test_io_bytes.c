/* test_io_bytes.c — every engine that moves bytes delivers exactly the file's bytes: each
 * parallelism × chunk size (including chunks that do not divide the read), buffered and
 * O_DIRECT, with the piece bookkeeping, timestamps and completion order of each read. */
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

/* Submits every span at once, reaps them all and compares each read's bytes with the file. */
static void read_and_compare(const char *engine, const tb_io_config *cfg, int fd, int direct,
                             const char *path, const uint8_t *want, const span *spans, int n) {
  tb_io *io = NULL;
  TIO_OK(tb_io_open(engine, cfg, &io));
  if (!io) return;
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
    TB_CHECK(rc >= 1, "%s: reap -> %d: %s", engine, rc, tb_error_message());
    if (rc < 1) break;
    got += rc;
  }
  int seen[16] = { 0 };
  for (int i = 0; i < got; i++) seen[done[i] - reads]++;
  for (int i = 0; i < n; i++) {
    tb_read *r = &reads[i];
    TB_CHECK(seen[i] == 1, "%s: read %d reaped %d times", engine, i, seen[i]);
    TB_CHECK(r->status == TB_OK, "%s: read %d: status %d errno %d", engine, i, r->status, r->err_no);
    TB_CHECK(r->data == buf[i], "%s: read %d not delivered into its buffer (in place not allowed)", engine, i);
    TB_CHECK(memcmp(buf[i], want + r->offset, (size_t)r->size) == 0,
             "%s: read %d (offset %lld size %lld, chunk %lld, direct %d): bytes differ from the file",
             engine, i, (long long)r->offset, (long long)r->size, (long long)cfg->chunk, direct);
    int64_t piece = cfg->chunk == 0 || cfg->chunk >= r->size ? r->size : cfg->chunk;
    if (direct) piece = (piece + 4095) / 4096 * 4096;
    TB_CHECK(r->chunk_bytes == piece, "%s: read %d: chunk_bytes %lld, expected %lld", engine, i,
             (long long)r->chunk_bytes, (long long)piece);
    TB_CHECK(r->chunks_total == (int)((r->size + piece - 1) / piece) && r->chunks_done == r->chunks_total,
             "%s: read %d: %d of %d pieces", engine, i, r->chunks_done, r->chunks_total);
    TB_CHECK(r->bytes_done == r->size, "%s: read %d: bytes_done %lld", engine, i, (long long)r->bytes_done);
    TB_CHECK(r->t_submit > 0 && r->t_submit <= r->t_start && r->t_start <= r->t_done,
             "%s: read %d: timestamps submit %.9f start %.9f done %.9f", engine, i, r->t_submit,
             r->t_start, r->t_done);
    tb_free_aligned(buf[i]);
  }
  /* completion order: t_done never decreases along the reaped sequence */
  for (int i = 1; i < got; i++)
    TB_CHECK(done[i - 1]->t_done <= done[i]->t_done, "%s: reaped out of completion order at %d", engine, i);
  tb_io_close(io);
}

TB_TEST(io_bytes_match_file_for_each_engine_parallelism_and_chunk) {
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
  static const int parallel[] = { 1, 2, 4, 8 };
  static const int64_t chunks[] = { 0, 4096, 12288, 5000 };
  const tb_io_ops *ops;
  int engines = 0;
  for (int e = 0; (ops = tio_engine(e)); e++, engines++)
    for (int t = 0; t < TB_ARRAY_LEN(parallel); t++)
      for (int c = 0; c < TB_ARRAY_LEN(chunks); c++) {
        tb_io_config cfg = tio_config(parallel[t], chunks[c]);
        read_and_compare(ops->name, &cfg, fd, 0, path, want, spans, TB_ARRAY_LEN(spans));
      }
  TB_CHECK(engines >= 3, "only %d engines tested (pread, mmap and mmap-zerocopy are always there)", engines);
  close(fd);
  free(want);
}

TB_TEST(io_bytes_direct_reads_match_file_with_chunks_rounded_to_4096) {
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
  static const int parallel[] = { 1, 4 };
  static const int64_t chunks[] = { 0, 4096, 12288, 5000 };   /* 5000 → pieces of 8192 */
  const tb_io_ops *ops;
  for (int e = 0; (ops = tio_engine(e)); e++) {
    if (tio_buffered_only(ops)) continue;   /* refusing is checked in test_io_mmap.c */
    for (int t = 0; t < TB_ARRAY_LEN(parallel); t++)
      for (int c = 0; c < TB_ARRAY_LEN(chunks); c++) {
        tb_io_config cfg = tio_config(parallel[t], chunks[c]);
        read_and_compare(ops->name, &cfg, fd, 1, path, want, spans, TB_ARRAY_LEN(spans));
      }
  }
  close(fd);
  free(want);
}

TB_TEST(io_bytes_reap_polls_without_blocking_and_returns_each_read_once) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_02.bin", 0);
  uint8_t *want = tio_make_file(path, 8192, 3);
  int fd = open(path, O_RDONLY);
  uint8_t *buf = tb_alloc_touched(8192, TB_ALIGN);
  const tb_io_ops *ops;
  for (int e = 0; want && fd >= 0 && (ops = tio_engine(e)); e++) {
    tb_io *io = NULL;
    tb_io_config cfg = tio_config(2, 0);
    TIO_OK(tb_io_open(ops->name, &cfg, &io));
    if (!io) continue;
    tb_read *done[4];
    TB_CHECK(tb_io_reap(io, done, 4, 0) == 0, "%s: poll with nothing submitted returned reads", ops->name);
    memset(buf, 0, 8192);
    tb_read r = { .fd = fd, .offset = 0, .size = 8192, .dst = buf, .kind = TB_READ_DEMAND, .path = path };
    TIO_OK(tb_io_submit(io, &r));
    int got = 0;
    while (got == 0) got = tb_io_reap(io, done, 4, 0);   /* polling until it lands */
    TB_CHECK(got == 1 && done[0] == &r, "%s: poll returned %d reads", ops->name, got);
    TB_CHECK(tb_io_reap(io, done, 4, 0) == 0, "%s: a read was returned twice", ops->name);
    TB_CHECK(memcmp(buf, want, 8192) == 0, "%s: bytes differ", ops->name);
    tb_io_close(io);
  }
  tb_free_aligned(buf);
  if (fd >= 0) close(fd);
  free(want);
}
