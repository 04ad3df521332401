/* test_api_describe.c — tb_describe_json lists exactly what the compiled engine has: every
 * key, every registered plugin with its availability as the registry reports it, presets with
 * record sizes, stages and counters. */
#include "tb_test.h"
#include "../src/api/config.h"
#include "../src/backend/backend.h"
#include "../src/cache/cache.h"
#include "../src/engine/stats.h"
#include "../src/io/io.h"
#include "../src/kernels/kernels.h"
#include "../src/util/common.h"
#include <stdio.h>
#include <string.h>

static int has(const char *json, const char *part) { return strstr(json, part) != NULL; }

TB_TEST(api_describe_lists_every_key) {
  const char *d = tb_describe_json();
  TB_CHECK(d != NULL, "no description: %s", tb_last_error());
  if (!d) return;
  char expect[256];
  snprintf(expect, sizeof expect, "{\"abi\":%d,", TB_ABI_VERSION);
  TB_CHECK(strncmp(d, expect, strlen(expect)) == 0, "does not start with %s", expect);
  static const char *const types[] = { "int", "real", "bool", "enum", "str" };
  for (int i = 0; i < tb_key_count; i++) {
    snprintf(expect, sizeof expect, "{\"name\":\"%s\",\"type\":\"%s\",", tb_keys[i].name, types[tb_keys[i].type]);
    TB_CHECK(has(d, expect), "missing %s", expect);
  }
  TB_CHECK(has(d, "\"name\":\"model.bits\",\"type\":\"int\",\"default\":-1,\"min\":-1,\"max\":8,\"values\":[-1,2,4,8]"),
           "int value list not exported as numbers");
  TB_CHECK(d == tb_describe_json(), "not built once");
}

TB_TEST(api_describe_plugins_match_registries) {
  const char *d = tb_describe_json();
  if (!d) { TB_CHECK(0, "no description"); return; }
  char expect[512], why[256];
  for (int i = 0; i < tb_policy_count; i++) {
    snprintf(expect, sizeof expect, "{\"name\":\"%s\",", tb_policies[i]->name);
    TB_CHECK(has(d, expect), "policy %s missing", tb_policies[i]->name);
  }
  for (int i = 0; i < tb_io_engine_count; i++) {
    const tb_io_ops *io = tb_io_engines[i];
    int ok = io->available ? io->available(why, sizeof why) : 1;
    snprintf(expect, sizeof expect, "\"moves_bytes\":%s,\"available\":%s", io->moves_bytes ? "true" : "false",
             ok ? "true" : "false");
    char name[128];
    snprintf(name, sizeof name, "{\"name\":\"%s\",", io->name);
    const char *at = strstr(d, name);
    TB_CHECK(at && strstr(at, expect) && strstr(at, expect) < strstr(at, "}"), "io %s: expected %s", io->name, expect);
  }
  for (int i = 0; i < tb_backend_count; i++) {
    snprintf(expect, sizeof expect, "{\"name\":\"%s\",", tb_backends[i]->name);
    TB_CHECK(has(d, expect), "backend %s missing", tb_backends[i]->name);
  }
  /* a kernel is listed available exactly when tb_kernel_select can force it */
  for (int i = 0; i < tb_kernel_variant_count; i++) {
    const tb_kernel_variant *kv;
    int selectable = tb_kernel_select(tb_kernel_variants[i].name, &kv) == TB_OK;
    snprintf(expect, sizeof expect, "{\"name\":\"%s\",\"available\":%s,", tb_kernel_variants[i].name,
             selectable ? "true" : "false");
    TB_CHECK(has(d, expect), "kernel: expected %s", expect);
  }
  TB_CHECK(has(d, "\"prefetchers\":[{\"name\":\"none\","), "prefetcher none missing");
}

TB_TEST(api_describe_names_and_presets) {
  const char *d = tb_describe_json();
  if (!d) { TB_CHECK(0, "no description"); return; }
  char expect[4096];
  int n = snprintf(expect, sizeof expect, "\"stages\":[");
  for (int i = 0; i < TB_STAGE_COUNT; i++) n += snprintf(expect + n, sizeof expect - n, "%s\"%s\"", i ? "," : "", tb_stage_names[i]);
  TB_CHECK(has(d, expect), "expected %s", expect);
  for (int i = 0; i < TB_COUNTER_COUNT; i++) {
    snprintf(expect, sizeof expect, "\"%s\"", tb_counter_names[i]);
    TB_CHECK(has(d, expect), "counter %s missing", tb_counter_names[i]);
  }
  /* Flash-MoE's published record sizes (DESIGN §1), not recomputed here */
  TB_CHECK(has(d, "\"name\":\"qwen3.5-397b-a17b\","), "qwen preset missing");
  TB_CHECK(has(d, "\"record_bytes\":{\"2\":3932160,\"4\":7077888,"), "record sizes wrong");
}
