/* fsutil.c — file-system helpers for committing model directories (see fsutil.h). */
#define _GNU_SOURCE
#include "fsutil.h"
#include "../util/common.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

int tb_path_join(char *out, size_t n, const char *dir, const char *name) {
  int len = snprintf(out, n, "%s/%s", dir, name);
  if (len < 0 || (size_t)len >= n)
    return tb_fail(TB_ERR_ARG, "path %s/%s: longer than %zu bytes", dir, name, n - 1);
  return TB_OK;
}

int tb_mkdir_p(const char *dir) {
  char path[4096];
  if (!dir[0]) return tb_fail(TB_ERR_ARG, "model directory: empty path");
  if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
    return tb_fail(TB_ERR_ARG, "directory %s: longer than %zu bytes", dir, sizeof path - 1);
  for (char *p = path + 1; ; p++) {
    if (*p != '/' && *p != 0) continue;
    char saved = *p;
    *p = 0;
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
      return tb_fail(TB_ERR_IO, "mkdir %s: %s", path, strerror(errno));
    *p = saved;
    if (!saved) break;
  }
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return tb_fail(TB_ERR_IO, "%s: not a directory", dir);
  return TB_OK;
}

int tb_pwrite_full(int fd, const void *src, int64_t size, int64_t offset, const char *path) {
  const char *p = src;
  while (size > 0) {
    ssize_t n = pwrite(fd, p, (size_t)size, (off_t)offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return tb_fail(TB_ERR_IO, "write %s offset %lld: %s", path, (long long)offset,
                     n < 0 ? strerror(errno) : "no progress");
    p += n; size -= n; offset += n;
  }
  return TB_OK;
}

int tb_fsync_path(int fd, const char *path) {
  if (fsync(fd) != 0) return tb_fail(TB_ERR_IO, "fsync %s: %s", path, strerror(errno));
  return TB_OK;
}

int tb_fsync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return tb_fail(TB_ERR_IO, "open %s: %s", dir, strerror(errno));
  int rc = tb_fsync_path(fd, dir);
  close(fd);
  return rc;
}

int tb_write_file_atomic(const char *dir, const char *name, const char *text, size_t len) {
  char path[4200], tmp[4200];
  int rc = tb_path_join(path, sizeof path, dir, name);
  if (rc) return rc;
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return tb_fail(TB_ERR_ARG, "path %s.tmp: too long", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return tb_fail(TB_ERR_IO, "create %s: %s", tmp, strerror(errno));
  rc = tb_pwrite_full(fd, text, (int64_t)len, 0, tmp);
  if (!rc) rc = tb_fsync_path(fd, tmp);
  close(fd);
  if (!rc && rename(tmp, path) != 0)
    rc = tb_fail(TB_ERR_IO, "rename %s to %s: %s", tmp, path, strerror(errno));
  if (rc) { unlink(tmp); return rc; }
  return tb_fsync_dir(dir);
}

int tb_check_disk_space(const char *dir, int64_t need, int64_t reclaimable) {
  struct statvfs vfs;
  if (statvfs(dir, &vfs) != 0) return tb_fail(TB_ERR_IO, "statvfs %s: %s", dir, strerror(errno));
  int64_t avail = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
  int64_t usable = avail + reclaimable;
  if (need > usable)
    return tb_fail(TB_ERR_IO, "%s: not enough disk space: need %lld bytes (%.2f GB), "
                   "free %lld bytes (%.2f GB)%s", dir, (long long)need, need / 1e9,
                   (long long)usable, usable / 1e9,
                   reclaimable ? ", counting the old files this generation overwrites" : "");
  return TB_OK;
}
