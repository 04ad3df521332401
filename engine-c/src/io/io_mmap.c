/* io_mmap.c — two engines over read-only mappings of the layer files (made at first read, kept
 * until destroy): `mmap` copies records out of the mapping (faults read what is missing);
 * `mmap-zerocopy` hands back a wholly resident record in place (mincore) and preads the rest. */
#define _GNU_SOURCE
#include "io_workers.h"
#include "../util/common.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

extern const tb_io_ops tb_io_mmap, tb_io_mmap_zerocopy;

#define MAX_MAPPINGS 1024      /* files mapped by one engine (a run has at most 256 layer files) */
#define RESIDENCY_WINDOW 256   /* pages per mincore call: the vector lives in the engine */
#define IN_PLACE_ALIGN 64      /* bytes: an in-place record must start on a cache line (kernels
                                  cast it to uint32/bf16; preset records are 4096-multiples) */

typedef struct {
  int fd;                  /* -1 once the descriptor was seen naming another file */
  dev_t dev;
  ino_t ino;
  int64_t size;            /* bytes mapped = file size when mapped */
  const uint8_t *map;      /* NULL for an empty file */
} mapping;

typedef struct {
  tb_io_workers pool;      /* first: the engine header lives in it */
  long page;               /* bytes */
  int n_maps;              /* the table is only touched by the submitting thread */
  mapping maps[MAX_MAPPINGS];
  unsigned char vec[RESIDENCY_WINDOW];   /* mincore output */
} mmap_io;

/* The mapping of the file behind fd, made on first use. Returns 0 or an errno. A descriptor
 * that now names another file (or a file whose size changed) gets a new mapping; the old one
 * stays until destroy, since bytes handed out in place may still be in use. */
static int lookup(mmap_io *io, int fd, const mapping **out) {
  struct stat st;
  if (fstat(fd, &st) != 0) return errno;
  if (!S_ISREG(st.st_mode)) return S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
  for (int i = 0; i < io->n_maps; i++) {
    mapping *m = &io->maps[i];
    if (m->fd != fd) continue;
    if (m->dev == st.st_dev && m->ino == st.st_ino && m->size == st.st_size) { *out = m; return 0; }
    m->fd = -1;
  }
  if (io->n_maps == MAX_MAPPINGS) return EMFILE;
  mapping *m = &io->maps[io->n_maps];
  *m = (mapping){ .fd = fd, .dev = st.st_dev, .ino = st.st_ino, .size = st.st_size };
  if (st.st_size > 0) {
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return errno;
    /* io.fadvise for faults: readahead around a faulting page follows the mapping's advice. */
    static const int advice[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL };
    int mode = io->pool.base.cfg.fadvise;
    if (mode > 0 && mode < TB_ARRAY_LEN(advice)) madvise(p, (size_t)st.st_size, advice[mode]);
    m->map = p;
  }
  io->n_maps++;
  *out = m;
  return 0;
}

/* 1 when every page of [p, p+size) is in the page cache. */
static int resident(mmap_io *io, const uint8_t *p, int64_t size) {
  uintptr_t start = (uintptr_t)p / (uintptr_t)io->page * (uintptr_t)io->page;
  uintptr_t end = (uintptr_t)p + (uintptr_t)size;
  while (start < end) {
    size_t pages = (end - start + (uintptr_t)io->page - 1) / (uintptr_t)io->page;
    if (pages > RESIDENCY_WINDOW) pages = RESIDENCY_WINDOW;
    if (mincore((void *)start, pages * (size_t)io->page, io->vec) != 0) return 0;
    for (size_t i = 0; i < pages; i++)
      if (!(io->vec[i] & 1)) return 0;
    start += pages * (uintptr_t)io->page;
  }
  return 1;
}

/* A read that failed before any byte moved: handed back at once, like a failed pread. */
static void fail_now(mmap_io *io, tb_read *r, int err) {
  r->status = TB_ERR_IO;
  r->err_no = err;
  r->err_offset = r->offset;
  r->t_start = tb_now();
  r->chunks_next = r->chunks_done = r->chunks_total;
  tb_io_workers_finish(&io->pool, r);
}

/* Faults bring the missing pages in; past the end of the file is end of file, never a SIGBUS.
 * A device error while faulting is a SIGBUS: mmap has no error return (pread engines do). */
static int serve_memcpy(tb_io_workers *w, tb_read *r, int64_t off, int64_t len, int64_t *got) {
  int64_t n = r->src_bytes - off;
  n = n < 0 ? 0 : n < len ? n : len;
  if (n > 0) memcpy((char *)r->dst + off, r->src + off, (size_t)n);
  *got = n;
  return n < len ? TB_PREAD_EOF : 0;
}

static int serve_pread(tb_io_workers *w, tb_read *r, int64_t off, int64_t len, int64_t *got) {
  return tb_pread_exact(r->fd, (char *)r->dst + off, len, r->offset + off, got);
}

static int mmap_submit(tb_io *base, tb_read *r) {
  mmap_io *io = (mmap_io *)base;
  int rc = tb_read_prepare(r, base->cfg.chunk);
  if (rc) return rc;
  if (r->direct)
    return tb_fail(TB_ERR_ARG, "direct read %s: io.engine mmap reads through the page cache; use "
                   "io.direct=off, or pread / io_uring / mmap-zerocopy for direct reads",
                   r->path ? r->path : "(unnamed file)");
  const mapping *m = NULL;
  int err = lookup(io, r->fd, &m);
  if (err) { fail_now(io, r, err); return TB_OK; }
  r->src_bytes = m->size - r->offset;
  r->src = r->src_bytes > 0 ? m->map + r->offset : NULL;
  tb_io_workers_queue(&io->pool, r);
  return TB_OK;
}

/* In place only when the caller allows it and every byte is resident now; then no worker and no
 * copy. Pages evicted between this check and their use fault back in (correct, but slower).
 * Everything else — direct reads, partly resident records, files it cannot map — is a pread. */
static int zerocopy_submit(tb_io *base, tb_read *r) {
  mmap_io *io = (mmap_io *)base;
  int rc = tb_read_prepare(r, base->cfg.chunk);
  if (rc) return rc;
  const mapping *m = NULL;
  if (r->in_place_ok && !r->direct && lookup(io, r->fd, &m) == 0 && r->offset + r->size <= m->size) {
    const uint8_t *p = m->map + r->offset;
    if ((uintptr_t)p % IN_PLACE_ALIGN == 0 && resident(io, p, r->size)) {
      r->src = r->data = p;
      r->src_bytes = m->size - r->offset;
      r->bytes_done = r->size;
      r->t_start = tb_now();
      r->chunks_next = r->chunks_done = r->chunks_total;
      tb_io_workers_finish(&io->pool, r);
      return TB_OK;
    }
  }
  tb_io_workers_queue(&io->pool, r);
  return TB_OK;
}

static void mmap_destroy(tb_io *base) {
  mmap_io *io = (mmap_io *)base;
  if (!io) return;
  tb_io_workers_stop(&io->pool);   /* first: workers may be copying out of the mappings */
  for (int i = 0; i < io->n_maps; i++)
    if (io->maps[i].map) munmap((void *)io->maps[i].map, (size_t)io->maps[i].size);
  free(io);
}

static int open_engine(tb_io **out, const tb_io_config *cfg, int zero_copy) {
  *out = NULL;
  const char *name = zero_copy ? "mmap-zerocopy" : "mmap";
  mmap_io *io = calloc(1, sizeof *io);
  if (!io) return tb_fail(TB_ERR_NOMEM, "io engine %s: out of memory", name);
  io->page = sysconf(_SC_PAGESIZE);
  int rc = tb_io_workers_start(&io->pool, zero_copy ? &tb_io_mmap_zerocopy : &tb_io_mmap, cfg,
                               zero_copy ? serve_pread : serve_memcpy, name);
  if (rc < 0) { mmap_destroy(&io->pool.base); return rc; }
  *out = &io->pool.base;
  return TB_OK;
}

static int mmap_create(tb_io **out, const tb_io_config *cfg) { return open_engine(out, cfg, 0); }
static int zerocopy_create(tb_io **out, const tb_io_config *cfg) { return open_engine(out, cfg, 1); }
static int mmap_available(char *why, int why_len) { return 1; }

const tb_io_ops tb_io_mmap = {
  .name = "mmap",
  .help = "memcpy out of a read-only mapping of each layer file by io.threads workers (io.chunk "
          "pieces, demand first); page faults read what is not resident, with readahead per "
          "io.fadvise (madvise). Buffered only: refuses io.direct.",
  .moves_bytes = 1,
  .available = mmap_available,
  .create = mmap_create,
  .destroy = mmap_destroy,
  .submit = mmap_submit,
  .reap = tb_io_workers_reap,
  .promote = tb_io_workers_promote,
};

const tb_io_ops tb_io_mmap_zerocopy = {
  .name = "mmap-zerocopy",
  .help = "Uses a record in place in a mapping of its file when mincore finds it wholly resident "
          "and the caller allows it (cache bypass reads); every other read is a pread by "
          "io.threads workers, demand first.",
  .moves_bytes = 1,
  .available = mmap_available,
  .create = zerocopy_create,
  .destroy = mmap_destroy,
  .submit = zerocopy_submit,
  .reap = tb_io_workers_reap,
  .promote = tb_io_workers_promote,
};
