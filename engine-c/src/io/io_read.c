/* io_read.c — what every I/O engine shares about one read: the checks and reset before it is
 * queued (piece size, direct alignment), the pread loop that survives short reads and EINTR,
 * and the error message that names file, offset and errno. */
#define _GNU_SOURCE
#include "io.h"
#include "../util/common.h"
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

int tb_pread_exact(int fd, void *dst, int64_t size, int64_t offset, int64_t *got) {
  char *p = dst;
  int64_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, p + done, (size_t)(size - done), (off_t)(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      *got = done;
      return errno;
    }
    if (n == 0) { *got = done; return TB_PREAD_EOF; }
    done += n;
  }
  *got = done;
  return 0;
}

static const char *name_of(const char *path) { return path ? path : "(unnamed file)"; }

int tb_pread_full(int fd, void *dst, int64_t size, int64_t offset, const char *path) {
  int64_t got = 0;
  int err = tb_pread_exact(fd, dst, size, offset, &got);
  if (err == 0) return TB_OK;
  if (err == TB_PREAD_EOF)
    return tb_fail(TB_ERR_IO, "read %s offset %lld: end of file after %lld of %lld bytes",
                   name_of(path), (long long)offset, (long long)got, (long long)size);
  return tb_fail(TB_ERR_IO, "read %s offset %lld: %s (errno %d)", name_of(path),
                 (long long)(offset + got), strerror(err), err);
}

static int misaligned(int64_t v) { return v % TB_DIRECT_ALIGN != 0; }

int tb_read_prepare(tb_read *r, int64_t chunk) {
  const char *path = name_of(r->path);
  if (r->kind != TB_READ_DEMAND && r->kind != TB_READ_PREFETCH)
    return tb_fail(TB_ERR_ARG, "read %s: kind %d is neither demand (0) nor prefetch (1)", path, r->kind);
  if (r->size <= 0 || r->offset < 0 || !r->dst)
    return tb_fail(TB_ERR_ARG, "read %s offset %lld size %lld: needs offset >= 0, size > 0 and a "
                   "buffer", path, (long long)r->offset, (long long)r->size);
  if (r->direct && (misaligned(r->offset) || misaligned(r->size) ||
                    misaligned((int64_t)(intptr_t)r->dst)))
    return tb_fail(TB_ERR_ARG, "direct read %s offset %lld size %lld buffer %p: offset, size and "
                   "buffer must be multiples of %d", path, (long long)r->offset,
                   (long long)r->size, r->dst, TB_DIRECT_ALIGN);
  int64_t piece = chunk <= 0 || chunk >= r->size ? r->size : chunk;
  if (r->direct) piece = (piece + TB_DIRECT_ALIGN - 1) / TB_DIRECT_ALIGN * TB_DIRECT_ALIGN;
  int64_t pieces = (r->size + piece - 1) / piece;
  if (pieces > INT_MAX)
    return tb_fail(TB_ERR_ARG, "read %s size %lld: io.chunk %lld would split it into %lld pieces "
                   "(at most %d)", path, (long long)r->size, (long long)chunk, (long long)pieces, INT_MAX);
  r->status = TB_OK;
  r->err_no = 0;
  r->err_offset = -1;
  r->t_submit = tb_now();
  r->t_start = r->t_done = 0;
  r->promoted = 0;
  r->data = r->dst;
  r->queue = r->kind;
  r->chunks_total = (int)pieces;
  r->chunks_done = 0;
  r->chunks_next = 0;
  r->chunk_bytes = piece;
  r->bytes_done = 0;
  r->src = NULL;
  r->src_bytes = 0;
  r->next = NULL;
  return TB_OK;
}

int tb_read_error(const tb_read *r) {
  const char *path = name_of(r->path);
  if (r->err_no == 0)
    return tb_fail(TB_ERR_IO, "read %s offset %lld size %lld (layer %d expert %d): end of file at "
                   "offset %lld, before offset + size = %lld", path, (long long)r->offset,
                   (long long)r->size, r->layer, r->expert, (long long)r->err_offset,
                   (long long)(r->offset + r->size));
  return tb_fail(TB_ERR_IO, "read %s offset %lld size %lld (layer %d expert %d): %s (errno %d) "
                 "at offset %lld", path, (long long)r->offset, (long long)r->size, r->layer,
                 r->expert, strerror(r->err_no), r->err_no, (long long)r->err_offset);
}
