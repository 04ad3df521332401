/* test_routing_next_use.c — the next-use table: exact on a small routing checked by hand,
 * and equal to a brute-force forward scan on a larger synthetic one. */
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/routing/routing.h"
#include "../src/cache/cache.h"
#include <string.h>

#define NEVER TB_NEXT_USE_NEVER

TB_TEST(routing_next_use_matches_a_hand_checked_routing) {
  tb_routing r;
  TIO_OK(tb_routing_alloc(&r, 5, 2, 4, 2));
  if (!r.ids) return;
  /* [token][layer][k] */
  static const int32_t ids[5][2][2] = {
    { { 0, 1 }, { 2, 3 } },
    { { 1, 2 }, { 2, 3 } },
    { { 3, 0 }, { 0, 1 } },
    { { 1, 0 }, { 0, 2 } },
    { { 2, 3 }, { 1, 3 } },
  };
  static const int64_t want[5][2][2] = {
    { { 2, 1 },         { 1, 1 } },
    { { 3, 4 },         { 3, 4 } },
    { { 4, 3 },         { 3, 4 } },
    { { NEVER, NEVER }, { NEVER, NEVER } },
    { { NEVER, NEVER }, { NEVER, NEVER } },
  };
  memcpy(r.ids, ids, sizeof ids);
  TIO_OK(tb_routing_fill_next_use(&r));
  for (int t = 0; t < 5; t++)
    for (int l = 0; l < 2; l++)
      for (int j = 0; j < 2; j++) {
        int64_t got = r.next_use[(t * 2 + l) * 2 + j];
        TB_CHECK(got == want[t][l][j], "token %d layer %d expert %d: next use %lld, expected %lld",
                 t, l, ids[t][l][j], (long long)got, (long long)want[t][l][j]);
      }
  tb_routing_free(&r);
}

TB_TEST(routing_next_use_equals_brute_force_scan) {
  tb_routing r;
  tb_synth_params p = { .zipf = 1.0, .reuse = 0.4, .seed = 23 };
  TIO_OK(tb_routing_synthetic(&r, 150, 3, 24, 4, &p));
  if (!r.ids) return;
  int wrong = 0;
  for (int t = 0; t < r.tokens; t++)
    for (int l = 0; l < r.layers; l++)
      for (int j = 0; j < r.k; j++) {
        size_t at = ((size_t)t * r.layers + l) * r.k + j;
        int64_t next = NEVER;
        for (int u = t + 1; u < r.tokens && next == NEVER; u++)
          for (int i = 0; i < r.k; i++)
            if (r.ids[((size_t)u * r.layers + l) * r.k + i] == r.ids[at]) next = u;
        if (r.next_use[at] != next && wrong++ < 5)
          TB_CHECK(0, "token %d layer %d slot %d: next use %lld, brute force %lld", t, l, j,
                   (long long)r.next_use[at], (long long)next);
      }
  TB_CHECK(wrong == 0, "%d next-use entries wrong", wrong);
  tb_routing_free(&r);
}
