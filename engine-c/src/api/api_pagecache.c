/* api_pagecache.c — page-cache primitives the harness needs to put a model's files in a known
 * state: drop a file's cached pages (dirty ones synced first), measure how much of it is
 * resident (mincore), and pre-read it through the page cache so that its pages are charged to
 * the calling process's memory cgroup. Linux only; elsewhere TB_ERR_UNAVAILABLE. */
#define _GNU_SOURCE
#include "engine.h"
#include "../util/common.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREREAD_CHUNK (1 << 20)   /* bytes per read(): large enough for full readahead windows */
#define MINCORE_PAGES (1 << 16)   /* pages per mincore() call: a 64 KiB vector whatever the file */

static int open_file(const char *call, const char *path, int *fd) {
  if (!path || !path[0]) return tb_fail(TB_ERR_ARG, "%s: path is empty", call);
  *fd = open(path, O_RDONLY | O_CLOEXEC);
  if (*fd < 0) return tb_fail(TB_ERR_IO, "%s: open %s: %s", call, path, strerror(errno));
  return TB_OK;
}

TB_EXPORT int tb_pagecache_drop(const char *path) {
#ifndef __linux__
  (void)path;
  return tb_fail(TB_ERR_UNAVAILABLE, "tb_pagecache_drop: dropping cached pages needs Linux posix_fadvise");
#else
  int fd, rc = open_file("tb_pagecache_drop", path, &fd);
  if (rc) return rc;
  /* DONTNEED skips dirty pages: write them back first so every page can go. */
  if (fdatasync(fd) != 0 && errno != EINVAL) {
    rc = tb_fail(TB_ERR_IO, "tb_pagecache_drop: fdatasync %s: %s", path, strerror(errno));
  } else {
    int err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);   /* returns the error, not -1 */
    if (err) rc = tb_fail(TB_ERR_IO, "tb_pagecache_drop: posix_fadvise(DONTNEED) %s: %s", path, strerror(err));
  }
  close(fd);
  return rc;
#endif
}

TB_EXPORT int tb_pagecache_resident(const char *path, double *resident_bytes) {
  if (!resident_bytes) return tb_fail(TB_ERR_ARG, "tb_pagecache_resident: resident_bytes is NULL");
  *resident_bytes = 0;
  int fd, rc = open_file("tb_pagecache_resident", path, &fd);
  if (rc) return rc;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    rc = tb_fail(TB_ERR_IO, "tb_pagecache_resident: stat %s: %s", path, strerror(errno));
    close(fd);
    return rc;
  }
  int64_t size = st.st_size;
  if (size == 0) { close(fd); return TB_OK; }
  /* A never-touched shared mapping: mincore reports the file's page-cache pages without
   * faulting any in, whichever process or cgroup brought them there. */
  void *map = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (map == MAP_FAILED)
    return tb_fail(TB_ERR_IO, "tb_pagecache_resident: mmap %s (%lld bytes): %s", path, (long long)size,
                   strerror(errno));
  long page = sysconf(_SC_PAGESIZE);
  unsigned char *vec = malloc(MINCORE_PAGES);
  if (!vec) { munmap(map, (size_t)size); return tb_fail(TB_ERR_NOMEM, "tb_pagecache_resident: no memory"); }
  int64_t resident = 0;
  for (int64_t off = 0; off < size && rc == TB_OK; off += (int64_t)MINCORE_PAGES * page) {
    int64_t len = size - off < (int64_t)MINCORE_PAGES * page ? size - off : (int64_t)MINCORE_PAGES * page;
    if (mincore((uint8_t *)map + off, (size_t)len, (void *)vec) != 0) {
      rc = tb_fail(TB_ERR_IO, "tb_pagecache_resident: mincore %s at offset %lld: %s", path, (long long)off,
                   strerror(errno));
      break;
    }
    int64_t pages = (len + page - 1) / page;
    for (int64_t i = 0; i < pages; i++)
      if (vec[i] & 1) {
        int64_t at = off + i * page;   /* the last page counts only the file's bytes in it */
        resident += size - at < page ? size - at : page;
      }
  }
  free(vec);
  munmap(map, (size_t)size);
  if (rc == TB_OK) *resident_bytes = (double)resident;
  return rc;
}

TB_EXPORT int tb_pagecache_preread(const char *path, double *bytes_read) {
  if (!bytes_read) return tb_fail(TB_ERR_ARG, "tb_pagecache_preread: bytes_read is NULL");
  *bytes_read = 0;
  int fd, rc = open_file("tb_pagecache_preread", path, &fd);
  if (rc) return rc;
#ifdef __linux__
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);   /* larger readahead; advice only, may fail */
#endif
  uint8_t *buf = malloc(PREREAD_CHUNK);
  if (!buf) { close(fd); return tb_fail(TB_ERR_NOMEM, "tb_pagecache_preread: no memory"); }
  int64_t total = 0;
  for (;;) {
    ssize_t n = read(fd, buf, PREREAD_CHUNK);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      rc = tb_fail(TB_ERR_IO, "tb_pagecache_preread: read %s at offset %lld: %s", path, (long long)total,
                   strerror(errno));
      break;
    }
    if (n == 0) break;
    total += n;
  }
  free(buf);
  close(fd);
  *bytes_read = (double)total;
  return rc;
}
