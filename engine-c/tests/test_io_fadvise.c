/* test_io_fadvise.c — io.fadvise is applied per file for every mode; a bad mode or a bad
 * descriptor is refused with a message naming it. */
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/io/io.h"
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

TB_TEST(io_fadvise_applies_each_mode_and_names_failures) {
  const char *path = tio_path(tb_test_tmpdir(), "layer_00.bin", 0);
  free(tio_make_file(path, 4096, 5));
  int fd = open(path, O_RDONLY);
  TB_CHECK(fd >= 0, "open %s", path);
  TIO_OK(tb_io_fadvise(fd, TB_FADVISE_RANDOM, path));
  TIO_OK(tb_io_fadvise(fd, TB_FADVISE_SEQUENTIAL, path));
  TIO_OK(tb_io_fadvise(fd, TB_FADVISE_NORMAL, path));
  TB_CHECK(tb_io_fadvise(fd, 3, path) == TB_ERR_ARG, "mode 3 accepted");
  TIO_ERROR_HAS("io.fadvise mode 3", "normal (0), random (1) or sequential (2)");
  TB_CHECK(tb_io_fadvise(-1, TB_FADVISE_RANDOM, "layer_09.bin") == TB_ERR_IO, "fd -1 accepted");
  TIO_ERROR_HAS("fadvise layer_09.bin", "errno 9");
  close(fd);
}
