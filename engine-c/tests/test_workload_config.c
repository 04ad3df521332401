/* test_workload_config.c — routing.* keys → routing (tb_routing_from_config), the path shared by
 * tb_open and tb_routing_write: every calibrated-workload key reaches the generator, a popularity
 * file is read, and a trace source loads the same routing that was saved. */
#include "tb_test.h"
#include "../src/routing/routing_config.h"
#include "../src/util/common.h"
#include <stdio.h>
#include <string.h>

#define WL_OK(call) do { int rc_ = (call); \
  if (rc_ < 0) tb_test_fail(__FILE__, __LINE__, "%s -> %d: %s", #call, rc_, tb_error_message()); } while (0)

static void calibrated_keys(tb_config *c) {
  tb_config_defaults(c);
  WL_OK(tb_config_set_real(c, "routing.zipf", 1.1));
  WL_OK(tb_config_set_real(c, "routing.reuse", 0.25));
  WL_OK(tb_config_set_int(c, "routing.seed", 9));
  WL_OK(tb_config_set_real(c, "routing.zipf_spread", 0.1));
  WL_OK(tb_config_set_int(c, "routing.reuse_window", 4));
  WL_OK(tb_config_set_int(c, "routing.topic_every", 20));
  WL_OK(tb_config_set_real(c, "routing.topic_shift", 0.5));
  WL_OK(tb_config_set_real(c, "routing.cross_layer", 0.2));
}

TB_TEST(routing_config_passes_every_workload_key) {
  tb_config c;
  calibrated_keys(&c);
  tb_synth_params p = { .zipf = 1.1, .reuse = 0.25, .seed = 9, .zipf_spread = 0.1, .reuse_window = 4,
                        .topic_every = 20, .topic_shift = 0.5, .cross_layer = 0.2 };
  tb_routing a, b;
  WL_OK(tb_routing_from_config(&a, &c, 60, 4, 64, 4));
  WL_OK(tb_routing_synthetic(&b, 60, 4, 64, 4, &p));
  TB_CHECK(memcmp(a.ids, b.ids, (size_t)60 * 4 * 4 * sizeof *a.ids) == 0, "keys and params disagree");
  tb_routing_free(&b);
  /* each key matters: change one at a time and the routing changes */
  const char *keys[] = { "routing.zipf_spread", "routing.topic_shift", "routing.cross_layer" };
  for (int i = 0; i < TB_ARRAY_LEN(keys); i++) {
    calibrated_keys(&c);
    WL_OK(tb_config_set_real(&c, keys[i], 0.0));
    WL_OK(tb_routing_from_config(&b, &c, 60, 4, 64, 4));
    TB_CHECK(memcmp(a.ids, b.ids, (size_t)60 * 4 * 4 * sizeof *a.ids) != 0, "%s=0 changed nothing", keys[i]);
    tb_routing_free(&b);
  }
  calibrated_keys(&c);
  WL_OK(tb_config_set_int(&c, "routing.reuse_window", 1));
  WL_OK(tb_routing_from_config(&b, &c, 60, 4, 64, 4));
  TB_CHECK(memcmp(a.ids, b.ids, (size_t)60 * 4 * 4 * sizeof *a.ids) != 0, "routing.reuse_window=1 changed nothing");
  tb_routing_free(&b);
  tb_routing_free(&a);
}

TB_TEST(routing_config_reads_the_popularity_file) {
  char path[4200];
  snprintf(path, sizeof path, "%s/pop.txt", tb_test_tmpdir());
  FILE *f = fopen(path, "w");
  fputs("# two layers, six experts: only 0..2 in layer 0, only 3..5 in layer 1\n"
        "1 1 1 0 0 0\n0 0 0 2 2 2\n", f);
  fclose(f);
  tb_config c;
  tb_config_defaults(&c);
  WL_OK(tb_config_set_str(&c, "routing.popularity", path));
  tb_routing r;
  WL_OK(tb_routing_from_config(&r, &c, 20, 2, 6, 3));
  for (int t = 0; t < 20; t++)
    for (int j = 0; j < 3; j++) {
      TB_CHECK(r.ids[(t * 2 + 0) * 3 + j] < 3, "token %d layer 0 routes to %d", t, r.ids[(t * 2) * 3 + j]);
      TB_CHECK(r.ids[(t * 2 + 1) * 3 + j] >= 3, "token %d layer 1 routes to %d", t, r.ids[(t * 2 + 1) * 3 + j]);
    }
  tb_routing_free(&r);
  TB_CHECK(tb_routing_from_config(&r, &c, 20, 3, 6, 3) == TB_ERR_TRACE, "3 layers from a 2-layer file accepted");
  TB_CHECK(strstr(tb_error_message(), "has 2 layer lines, the model has 3 layers"), "got: %s", tb_error_message());
}

TB_TEST(routing_config_trace_source_loads_what_was_saved) {
  tb_config c;
  calibrated_keys(&c);
  tb_routing a, b;
  WL_OK(tb_routing_from_config(&a, &c, 30, 3, 32, 4));
  char path[4200];
  snprintf(path, sizeof path, "%s/r.tbtrace", tb_test_tmpdir());
  WL_OK(tb_routing_save(&a, path));
  WL_OK(tb_config_set_str(&c, "routing.source", "trace"));
  WL_OK(tb_config_set_str(&c, "routing.trace", path));
  WL_OK(tb_routing_from_config(&b, &c, 30, 3, 32, 4));
  TB_CHECK(memcmp(a.ids, b.ids, (size_t)30 * 3 * 4 * sizeof *a.ids) == 0, "trace ids differ from the saved ones");
  TB_CHECK(memcmp(a.next_use, b.next_use, (size_t)30 * 3 * 4 * sizeof *a.next_use) == 0, "next use differs");
  tb_routing_free(&a);
  tb_routing_free(&b);
}
