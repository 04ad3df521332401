/* test_io_util.c — engines under test, scratch files and error-message checks for the I/O and
 * routing tests. */
#include "test_io_util.h"
#include "tb_test.h"
#include "../src/util/common.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint8_t *tio_make_file(const char *path, int64_t size, uint64_t seed) {
  uint8_t *bytes = malloc((size_t)size);
  if (!bytes) { tb_test_fail(__FILE__, __LINE__, "no memory for %lld bytes", (long long)size); return NULL; }
  tb_rng rng;
  tb_rng_seed(&rng, seed);
  for (int64_t i = 0; i < size; i += 8) {
    uint64_t v = tb_rng_next(&rng);
    memcpy(bytes + i, &v, (size_t)(size - i < 8 ? size - i : 8));
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int64_t done = 0;
  while (fd >= 0 && done < size) {
    ssize_t n = write(fd, bytes + done, (size_t)(size - done));
    if (n <= 0) break;
    done += n;
  }
  if (fd < 0 || done != size) {
    tb_test_fail(__FILE__, __LINE__, "writing %s: %s", path, strerror(errno));
    free(bytes);
    bytes = NULL;
  }
  if (fd >= 0) close(fd);
  return bytes;
}

const char *tio_path(const char *dir, const char *name, int slot) {
  static char buf[4][4200];
  snprintf(buf[slot & 3], sizeof buf[0], "%s/%s", dir, name);
  return buf[slot & 3];
}

int tio_error_has(const char *file, int line, const char *const *needles, int n) {
  const char *msg = tb_error_message();
  for (int i = 0; i < n; i++)
    if (!strstr(msg, needles[i])) {
      tb_test_fail(file, line, "error message lacks \"%s\": \"%s\"", needles[i], msg);
      return 0;
    }
  return 1;
}

const tb_io_ops *tio_engine(int i) {
  for (int e = 0; e < tb_io_engine_count; e++) {
    const tb_io_ops *ops = tb_io_engines[e];
    char why[256];
    if (!ops->moves_bytes || !ops->available(why, sizeof why)) continue;
    if (i-- == 0) return ops;
  }
  return NULL;
}

tb_io_config tio_config(int parallel, int64_t chunk) {
  return (tb_io_config){ .threads = parallel, .queue_depth = parallel, .chunk = chunk };
}

int tio_buffered_only(const tb_io_ops *ops) { return strcmp(ops->name, "mmap") == 0; }
