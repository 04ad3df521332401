/* tb_test.h — the C test driver's tiny framework: TB_TEST(name) registers a test at load
 * time (no central list to edit); TB_CHECK records a failure with file:line and goes on. */
#ifndef TB_TEST_H
#define TB_TEST_H

#include <stdio.h>

typedef void (*tb_test_fn)(void);
void tb_test_register(const char *name, tb_test_fn fn);
void tb_test_fail(const char *file, int line, const char *fmt, ...);
/* A fresh empty scratch directory for this test (under $TB_TEST_TMP or /tmp). */
const char *tb_test_tmpdir(void);

#define TB_TEST(name) \
  static void name(void); \
  __attribute__((constructor)) static void name##_register(void) { tb_test_register(#name, name); } \
  static void name(void)

#define TB_CHECK(cond, ...) do { if (!(cond)) tb_test_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define TB_CHECK_OK(call) do { int rc_ = (call); \
  if (rc_ < 0) tb_test_fail(__FILE__, __LINE__, "%s -> %d: %s", #call, rc_, tb_last_error()); } while (0)

#endif
