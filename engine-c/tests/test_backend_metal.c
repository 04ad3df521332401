/* test_backend_metal.c — the metal compute backend as the engine sees it: listed by the backend
 * registry everywhere, and off Apple platforms unavailable with one clear reason, both from
 * the registry and from opening a run with compute.backend: metal. */
#include "tb_test.h"
#include "test_run_fixture.h"
#include "../include/tierbench.h"
#include "../src/backend/backend.h"
#include "../src/util/common.h"
#include <string.h>

TB_TEST(metal_backend_is_listed) {
  const tb_backend_ops *m = tb_backend_find("metal");
  TB_CHECK(m != NULL, "the backend registry has no metal entry");
  TB_CHECK(m && strstr(m->help, "Apple") != NULL, "metal help does not say it is for Apple GPUs: %s",
           m ? m->help : "");
}

#if !defined(__APPLE__)
#define WHY "not available on Linux — Apple GPUs only (macOS); use cpu"

TB_TEST(metal_backend_unavailable_off_apple_with_reason) {
  const tb_backend_ops *m = tb_backend_find("metal");
  if (!m) { TB_CHECK(0, "no metal entry"); return; }
  char why[256] = "";
  TB_CHECK(m->available(why, sizeof why) == 0, "metal claims to be available off macOS");
#if defined(__linux__)
  TB_CHECK(strcmp(why, WHY) == 0, "reason '%s', want '%s'", why, WHY);
#else
  TB_CHECK(strstr(why, "Apple GPUs only") != NULL, "reason '%s' does not name Apple GPUs", why);
#endif
  tb_backend *b = (tb_backend *)1;
  int rc = tb_backend_open("metal", 1, &b);
  TB_CHECK(rc == TB_ERR_UNAVAILABLE && b == NULL, "tb_backend_open(metal) -> %d", rc);
  TB_CHECK(strstr(tb_error_message(), "compute.backend 'metal': ") == tb_error_message() &&
           strstr(tb_error_message(), why) != NULL, "message: %s", tb_error_message());
}

#if defined(__linux__)
TB_TEST(metal_backend_run_fails_at_open_with_reason) {
  const char *dir = fx_make_model(tb_test_tmpdir());
  if (!dir) { TB_CHECK(0, "no model: %s", tb_error_message()); return; }
  tb_config c;
  fx_config(&c, dir, 2);
  fx_set_str(&c, "compute.backend", "metal");   /* a registry value: the setter accepts it */
  fx_result res = fx_run(&c);
  TB_CHECK(res.rc == TB_ERR_UNAVAILABLE, "run with compute.backend metal -> %d, want %d", res.rc,
           TB_ERR_UNAVAILABLE);
  TB_CHECK(strcmp(tb_error_message(), "compute.backend 'metal': " WHY) == 0, "message: %s",
           tb_error_message());
}
#endif
#endif
