/* test_io_util.h — helpers shared by the I/O tests: the engines they run against, scratch
 * files with deterministic content to compare reads against, substring checks on errors. */
#ifndef TEST_IO_UTIL_H
#define TEST_IO_UTIL_H

#include <stdint.h>
#include "tb_test.h"
#include "../src/io/io.h"
#include "../src/util/common.h"

/* Writes `size` seeded pseudo-random bytes to `path` (created or truncated) and returns a
 * malloc'd copy of them, or NULL (the reason reported as a test failure). */
uint8_t *tio_make_file(const char *path, int64_t size, uint64_t seed);
/* "<tmpdir>/<name>" in a static buffer (one per slot 0..3, so two paths can coexist). */
const char *tio_path(const char *dir, const char *name, int slot);
/* 1 when every needle occurs in the last error message; reports the message when not. */
int tio_error_has(const char *file, int line, const char *const *needles, int n);
/* The engines the shared I/O tests run against, in registry order: every compiled engine that
 * moves bytes and is available here (one that is not is tested for saying why, in its own
 * file). NULL past the last: for (int e = 0; (ops = tio_engine(e)); e++). */
const tb_io_ops *tio_engine(int i);
/* A configuration with `parallel` reads in flight at most: io.threads workers for the
 * thread-based engines, io.queue_depth ring slots for io_uring. */
tb_io_config tio_config(int parallel, int64_t chunk);
/* 1 for an engine that reads only through the page cache and refuses direct reads. */
int tio_buffered_only(const tb_io_ops *ops);
/* TB_CHECK_OK on the library's internal message (tb_last_error belongs to the ABI layer). */
#define TIO_OK(call) do { int rc_ = (call); \
  TB_CHECK(rc_ >= 0, "%s -> %d: %s", #call, rc_, tb_error_message()); } while (0)
#define TIO_ERROR_HAS(...) \
  tio_error_has(__FILE__, __LINE__, (const char *const[]){ __VA_ARGS__ }, \
                (int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)))

#endif
