/* io_fadvise.c — io.fadvise applied to a whole file once at open: the kernel's readahead
 * policy for it (posix_fadvise on Linux; macOS only knows readahead on/off, F_RDAHEAD). */
#define _GNU_SOURCE
#include "io.h"
#include "../util/common.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>

int tb_io_fadvise(int fd, int mode, const char *path) {
  if (mode < TB_FADVISE_NORMAL || mode > TB_FADVISE_SEQUENTIAL)
    return tb_fail(TB_ERR_ARG, "io.fadvise mode %d: must be normal (0), random (1) or sequential (2)", mode);
#ifdef __APPLE__
  int rc = mode == TB_FADVISE_NORMAL ? 0 : fcntl(fd, F_RDAHEAD, mode == TB_FADVISE_SEQUENTIAL);
  int err = rc < 0 ? errno : 0;
#else
  static const int advice[] = { POSIX_FADV_NORMAL, POSIX_FADV_RANDOM, POSIX_FADV_SEQUENTIAL };
  int err = posix_fadvise(fd, 0, 0, advice[mode]);   /* returns the error, not -1 */
#endif
  if (err)
    return tb_fail(TB_ERR_IO, "fadvise %s: %s (errno %d)", path ? path : "(unnamed file)",
                   strerror(err), err);
  return TB_OK;
}
