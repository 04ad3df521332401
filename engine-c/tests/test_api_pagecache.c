/* test_api_pagecache.c — the page-cache primitives of the ABI: resident bytes exact to the byte
 * (a file's last partial page included) after a pre-read and zero after a drop; bad arguments
 * and missing files refused with messages naming them. */
#include "tb_test.h"
#include "test_io_util.h"
#include "../include/tierbench.h"
#include <stdlib.h>
#include <string.h>

TB_TEST(api_pagecache_drop_preread_resident) {
  const int64_t size = 5 * 4096 + 777;
  const char *path = tio_path(tb_test_tmpdir(), "layer_00.bin", 0);
  free(tio_make_file(path, size, 3));
  double resident = -1, got = -1;
  TB_CHECK_OK(tb_pagecache_drop(path));
  TB_CHECK_OK(tb_pagecache_resident(path, &resident));
  TB_CHECK(resident == 0, "after a drop: %g bytes resident", resident);
  TB_CHECK_OK(tb_pagecache_preread(path, &got));
  TB_CHECK(got == (double)size, "pre-read %g of %lld bytes", got, (long long)size);
  TB_CHECK_OK(tb_pagecache_resident(path, &resident));
  TB_CHECK(resident == (double)size, "after a pre-read: %g of %lld bytes resident", resident, (long long)size);
  TB_CHECK_OK(tb_pagecache_drop(path));
  TB_CHECK_OK(tb_pagecache_resident(path, &resident));
  TB_CHECK(resident == 0, "after the second drop: %g bytes resident", resident);
}

TB_TEST(api_pagecache_refuses_bad_arguments) {
  double out;
  TB_CHECK(tb_pagecache_resident("x", NULL) == TB_ERR_ARG, "NULL output accepted");
  TIO_ERROR_HAS("tb_pagecache_resident", "resident_bytes is NULL");
  TB_CHECK(tb_pagecache_preread("", &out) == TB_ERR_ARG, "empty path accepted");
  TIO_ERROR_HAS("tb_pagecache_preread", "path is empty");
  TB_CHECK(tb_pagecache_drop("/nonexistent/layer_00.bin") == TB_ERR_IO, "missing file accepted");
  TIO_ERROR_HAS("open /nonexistent/layer_00.bin", "No such file");
}
