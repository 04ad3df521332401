/* tb_test.c — main() of the C test driver: runs every registered test (or those whose name
 * contains argv[1]; --list names them), prints one line per test and "N passed, N failed" at the end. */
#include "tb_test.h"
#include "../include/tierbench.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#define MAX_TESTS 512
static struct { const char *name; tb_test_fn fn; } tests[MAX_TESTS];
static int n_tests, current_failed;
static char tmpdir[4096];

void tb_test_register(const char *name, tb_test_fn fn) {
  if (n_tests < MAX_TESTS) { tests[n_tests].name = name; tests[n_tests].fn = fn; n_tests++; }
}

void tb_test_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "    %s:%d: ", file, line);
  va_start(ap, fmt); vfprintf(stderr, fmt, ap); va_end(ap);
  fputc('\n', stderr);
  current_failed = 1;
}

static void rm_rf(const char *path) {
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
  if (system(cmd) != 0) fprintf(stderr, "warning: could not remove %s\n", path);
}

const char *tb_test_tmpdir(void) {
  if (tmpdir[0]) rm_rf(tmpdir);
  const char *base = getenv("TB_TEST_TMP");
  snprintf(tmpdir, sizeof tmpdir, "%s/tb_test.XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(tmpdir)) { perror("mkdtemp"); exit(2); }
  return tmpdir;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv) {
  qsort(tests, n_tests, sizeof tests[0], by_name);
  if (argc > 1 && strcmp(argv[1], "--list") == 0) {
    for (int i = 0; i < n_tests; i++) printf("%s\n", tests[i].name);
    return 0;
  }
  /* argv[1]: run the tests whose name contains it; "=name" runs exactly that test. */
  const char *filter = argc > 1 ? argv[1] : NULL;
  int passed = 0, failed = 0;
  for (int i = 0; i < n_tests; i++) {
    if (filter && filter[0] == '=' && strcmp(tests[i].name, filter + 1) != 0) continue;
    if (filter && filter[0] != '=' && !strstr(tests[i].name, filter)) continue;
    current_failed = 0;
    tests[i].fn();
    if (tmpdir[0]) { rm_rf(tmpdir); tmpdir[0] = 0; }
    printf("%s %s\n", current_failed ? "FAIL" : "ok  ", tests[i].name);
    fflush(stdout);
    if (current_failed) failed++; else passed++;
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
