/* fsutil.h — the file-system steps a model commit needs: paths, mkdir -p, full pwrite,
 * fsync of files and directories, an atomic small-file write and the free-space check. */
#ifndef TB_FSUTIL_H
#define TB_FSUTIL_H

#include <stddef.h>
#include <stdint.h>

/* out = dir + "/" + name. TB_ERR_ARG if it does not fit in n bytes. */
int tb_path_join(char *out, size_t n, const char *dir, const char *name);
/* Create dir and its missing parents (mode 0755). TB_OK or TB_ERR_IO naming the path. */
int tb_mkdir_p(const char *dir);
/* Write exactly size bytes at offset, retrying short writes and EINTR.
 * TB_ERR_IO: "write <path> offset <o>: <strerror>". */
int tb_pwrite_full(int fd, const void *src, int64_t size, int64_t offset, const char *path);
int tb_fsync_path(int fd, const char *path);  /* TB_ERR_IO: "fsync <path>: <strerror>" */
int tb_fsync_dir(const char *dir);
/* Write text to dir/name via dir/name.tmp: write, fsync, rename, fsync dir. */
int tb_write_file_atomic(const char *dir, const char *name, const char *text, size_t len);
/* Fails with TB_ERR_IO when the file system of dir has fewer than need bytes free for
 * unprivileged users (statvfs f_bavail), after counting `reclaimable` bytes that the
 * caller will free by overwriting its own files. The message gives both in bytes and GB. */
int tb_check_disk_space(const char *dir, int64_t need, int64_t reclaimable);

#endif
