/* test_io_mmap.c — what is particular to the mmap engines: mmap refuses direct reads and faults
 * cold pages in with readahead per io.fadvise; mmap-zerocopy uses wholly resident records in place
 * only where allowed and preads the rest; both follow a descriptor reused for another file. */
#define _GNU_SOURCE
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/io/io.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define REC (64 * 1024)        /* bytes per "record" in these files */

/* Drops the file's pages from the page cache (written pages are synced first). */
static void drop(const char *path) {
  int fd = open(path, O_RDONLY);
  TB_CHECK(fd >= 0, "open %s", path);
  if (fd < 0) return;
  fdatasync(fd);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
}

/* Bytes of [offset, offset+size) resident in the page cache, through a mapping of our own. */
static int64_t resident(const char *path, int64_t offset, int64_t size) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) { TB_CHECK(0, "open %s", path); if (fd >= 0) close(fd); return -1; }
  long page = sysconf(_SC_PAGESIZE);
  void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  size_t pages = (size_t)((size + page - 1) / page);
  unsigned char *vec = malloc(pages);
  int64_t total = 0;
  if (map != MAP_FAILED && vec && mincore((char *)map + offset, (size_t)size, vec) == 0)
    for (size_t i = 0; i < pages; i++) total += (vec[i] & 1) ? page : 0;
  free(vec);
  if (map != MAP_FAILED) munmap(map, (size_t)st.st_size);
  close(fd);
  return total;
}

static tb_read *read_once(tb_io *io, tb_read *r) {
  TIO_OK(tb_io_submit(io, r));
  tb_read *done[1];
  int got = tb_io_reap(io, done, 1, 1);
  TB_CHECK(got == 1 && done[0] == r && r->status == TB_OK, "reap -> %d, status %d: %s", got,
           r->status, tb_error_message());
  return got == 1 ? done[0] : NULL;
}

TB_TEST(io_mmap_refuses_direct_reads) {
  uint8_t *buf = tb_alloc_touched(4096, TB_ALIGN);
  tb_io *io = NULL;
  tb_io_config cfg = tio_config(1, 0);
  TIO_OK(tb_io_open("mmap", &cfg, &io));
  if (io) {
    tb_read r = { .fd = 0, .direct = 1, .offset = 0, .size = 4096, .dst = buf, .path = "layer_04.bin" };
    TB_CHECK(tb_io_submit(io, &r) == TB_ERR_ARG, "mmap accepted a direct read");
    TIO_ERROR_HAS("layer_04.bin", "mmap reads through the page cache", "io.direct=off");
  }
  tb_io_close(io);
  tb_free_aligned(buf);
}

TB_TEST(io_mmap_zerocopy_uses_a_resident_record_in_place_and_preads_the_rest) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_00.bin", 0);
  uint8_t *want = tio_make_file(path, 4 * REC, 21);
  int fd = open(path, O_RDONLY);
  uint8_t *buf = tb_alloc_touched(REC, TB_ALIGN);
  tb_io *io = NULL;
  tb_io_config cfg = tio_config(2, 0);
  TIO_OK(tb_io_open("mmap-zerocopy", &cfg, &io));
  if (!want || fd < 0 || !buf || !io) goto out;
  tb_read r = { .fd = fd, .offset = REC, .size = REC, .dst = buf, .kind = TB_READ_DEMAND,
                .path = path, .in_place_ok = 1 };

  /* cold: read with pread into the buffer, which leaves the record resident */
  drop(path);
  TB_CHECK(resident(path, REC, REC) == 0, "record resident after DONTNEED");
  memset(buf, 0xAA, REC);
  if (read_once(io, &r))
    TB_CHECK(r.data == buf && memcmp(buf, want + REC, REC) == 0, "cold record: data %p, buffer %p",
             r.data, (void *)buf);
  TB_CHECK(resident(path, REC, REC) == REC, "pread left the record resident");

  /* resident: in place, buffer untouched, no worker */
  memset(buf, 0xAA, REC);
  if (read_once(io, &r)) {
    TB_CHECK(r.data != buf && memcmp(r.data, want + REC, REC) == 0, "resident record not used in place");
    TB_CHECK(buf[0] == 0xAA && buf[REC - 1] == 0xAA, "an in-place read wrote the buffer");
    TB_CHECK(r.bytes_done == REC && r.chunks_done == r.chunks_total && r.t_start <= r.t_done,
             "in-place read bookkeeping: %lld bytes, %d of %d pieces", (long long)r.bytes_done,
             r.chunks_done, r.chunks_total);
  }
  /* resident, but the caller needs the bytes in its buffer (a cache slot) */
  r.in_place_ok = 0;
  if (read_once(io, &r))
    TB_CHECK(r.data == buf && memcmp(buf, want + REC, REC) == 0, "in_place_ok = 0 was not copied");
  /* not on a cache-line boundary: copied */
  r = (tb_read){ .fd = fd, .offset = REC + 4, .size = 4096, .dst = buf, .kind = TB_READ_DEMAND,
                 .path = path, .in_place_ok = 1 };
  if (read_once(io, &r))
    TB_CHECK(r.data == buf && memcmp(buf, want + REC + 4, 4096) == 0, "unaligned record used in place");
  /* partly resident: the first page of record 2 only */
  tb_io_close(io);            /* unmaps: pages it touched can be dropped again */
  io = NULL;
  drop(path);
  uint8_t page[4096];
  TB_CHECK(pread(fd, page, 4096, 2 * REC) == 4096, "pread");
  int64_t part = resident(path, 2 * REC, REC);
  TB_CHECK(part > 0 && part < REC, "record 2 should be partly resident: %lld bytes", (long long)part);
  TIO_OK(tb_io_open("mmap-zerocopy", &cfg, &io));
  r = (tb_read){ .fd = fd, .offset = 2 * REC, .size = REC, .dst = buf, .kind = TB_READ_DEMAND,
                 .path = path, .in_place_ok = 1 };
  if (io && read_once(io, &r))
    TB_CHECK(r.data == buf && memcmp(buf, want + 2 * REC, REC) == 0, "partly resident record used in place");
out:
  tb_io_close(io);
  tb_free_aligned(buf);
  if (fd >= 0) close(fd);
  free(want);
}

TB_TEST(io_mmap_faults_cold_pages_in) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_01.bin", 0);
  uint8_t *want = tio_make_file(path, 4 * REC, 22);
  int fd = open(path, O_RDONLY);
  uint8_t *buf = tb_alloc_touched(REC, TB_ALIGN);
  tb_io *io = NULL;
  tb_io_config cfg = tio_config(2, 16384);
  TIO_OK(tb_io_open("mmap", &cfg, &io));
  if (want && fd >= 0 && buf && io) {
    drop(path);
    TB_CHECK(resident(path, 3 * REC, REC) == 0, "record resident after DONTNEED");
    tb_read r = { .fd = fd, .offset = 3 * REC, .size = REC, .dst = buf, .kind = TB_READ_DEMAND, .path = path };
    if (read_once(io, &r))
      TB_CHECK(r.data == buf && memcmp(buf, want + 3 * REC, REC) == 0 && r.chunks_total == 4,
               "cold record through faults: bytes or pieces (%d) wrong", r.chunks_total);
    TB_CHECK(resident(path, 3 * REC, REC) == REC, "faults left the record resident");
  }
  tb_io_close(io);
  tb_free_aligned(buf);
  if (fd >= 0) close(fd);
  free(want);
}

/* Resident bytes of an 8 MiB cold file after the mmap engine read one page from its middle. */
static int64_t resident_after_one_page(const char *path, int fadvise) {
  drop(path);
  int fd = open(path, O_RDONLY);
  uint8_t *buf = tb_alloc_touched(4096, TB_ALIGN);
  tb_io *io = NULL;
  tb_io_config cfg = tio_config(1, 0);
  cfg.fadvise = fadvise;
  TIO_OK(tb_io_open("mmap", &cfg, &io));
  if (io && fd >= 0 && buf) {
    tb_read r = { .fd = fd, .offset = 4 << 20, .size = 4096, .dst = buf, .kind = TB_READ_DEMAND, .path = path };
    read_once(io, &r);
  }
  tb_io_close(io);
  tb_free_aligned(buf);
  if (fd >= 0) close(fd);
  return resident(path, 0, 8 << 20);
}

TB_TEST(io_mmap_fault_readahead_follows_fadvise) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_02.bin", 0);
  free(tio_make_file(path, 8 << 20, 23));
  int64_t normal = resident_after_one_page(path, TB_FADVISE_NORMAL);
  int64_t random = resident_after_one_page(path, TB_FADVISE_RANDOM);
  /* MADV_RANDOM: the faulting page alone; normal: read-around of up to read_ahead_kb (on a
   * device without readahead both are one page) */
  TB_CHECK(random >= 4096 && random <= 16384, "random advice brought in %lld bytes", (long long)random);
  TB_CHECK(normal >= random, "normal advice brought in %lld bytes, random %lld", (long long)normal,
           (long long)random);
}

TB_TEST(io_mmap_follows_a_descriptor_reused_for_another_file) {
  const char *dir = tb_test_tmpdir();
  const char *a = tio_path(dir, "layer_03.bin", 0), *b = tio_path(dir, "layer_04.bin", 1);
  uint8_t *want_a = tio_make_file(a, 2 * REC, 31), *want_b = tio_make_file(b, 3 * REC, 32);
  uint8_t *buf = tb_alloc_touched(REC, TB_ALIGN);
  static const char *const engines[] = { "mmap", "mmap-zerocopy" };
  for (int e = 0; e < 2 && want_a && want_b && buf; e++) {
    tb_io *io = NULL;
    tb_io_config cfg = tio_config(1, 0);
    TIO_OK(tb_io_open(engines[e], &cfg, &io));
    if (!io) continue;
    int fd = open(a, O_RDONLY);
    tb_read r = { .fd = fd, .offset = REC, .size = REC, .dst = buf, .kind = TB_READ_DEMAND,
                  .path = a, .in_place_ok = 1 };
    const void *first = read_once(io, &r) ? r.data : NULL;
    close(fd);
    int fd2 = open(b, O_RDONLY);     /* the lowest free number: usually the same as fd */
    r = (tb_read){ .fd = fd2, .offset = REC, .size = REC, .dst = buf, .kind = TB_READ_DEMAND,
                   .path = b, .in_place_ok = 1 };
    if (read_once(io, &r))
      TB_CHECK(memcmp(r.data, want_b + REC, REC) == 0, "%s: read the old file's bytes through fd %d (was %d)",
               engines[e], fd2, fd);
    /* bytes handed out in place before stay valid until the engine is destroyed */
    if (first && first != buf)
      TB_CHECK(memcmp(first, want_a + REC, REC) == 0, "%s: an in-place record moved", engines[e]);
    close(fd2);
    tb_io_close(io);
  }
  tb_free_aligned(buf);
  free(want_a);
  free(want_b);
}
