/* test_io_util.h — helpers shared by the I/O tests: scratch files with deterministic
 * content to compare reads against, and substring checks on error messages. */
#ifndef TEST_IO_UTIL_H
#define TEST_IO_UTIL_H

#include <stdint.h>
#include "tb_test.h"
#include "../src/util/common.h"

/* Writes `size` seeded pseudo-random bytes to `path` (created or truncated) and returns a
 * malloc'd copy of them, or NULL (the reason reported as a test failure). */
uint8_t *tio_make_file(const char *path, int64_t size, uint64_t seed);
/* "<tmpdir>/<name>" in a static buffer (one per slot 0..3, so two paths can coexist). */
const char *tio_path(const char *dir, const char *name, int slot);
/* 1 when every needle occurs in the last error message; reports the message when not. */
int tio_error_has(const char *file, int line, const char *const *needles, int n);
/* TB_CHECK_OK on the library's internal message (tb_last_error belongs to the ABI layer). */
#define TIO_OK(call) do { int rc_ = (call); \
  TB_CHECK(rc_ >= 0, "%s -> %d: %s", #call, rc_, tb_error_message()); } while (0)
#define TIO_ERROR_HAS(...) \
  tio_error_has(__FILE__, __LINE__, (const char *const[]){ __VA_ARGS__ }, \
                (int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)))

#endif
