/* test_kernels_qmatvec.c — dequantize+matvec: the packing order, the scalar reference against
 * a double-precision dequantize-then-dot, every variant available here (forced in turn and
 * shown to have run) against the reference, and bit-identical results for 1, 2, 3 threads. */
#include "tb_test.h"
#include "kernel_fixture.h"
#include "../src/kernels/variants.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const int kBits[] = { 2, 4, 8 };
static const int kGroups[] = { 32, 64, 128 };
static const int kRows[] = { 1, 7, 33, 257 };
/* Column counts per group: one group, three groups (fewer than a SIMD register of groups)
 * and 4352 = 4096 + 256 (34..136 groups: full registers of groups plus a tail). */
static int cols_of(int group, int i) { return i == 0 ? group : i == 1 ? 3 * group : 4352; }

TB_TEST(kernel_scalar_unpacks_lowest_bits_first) {
  /* Each word's values, lowest bits first, count 0, 1, 2, ... and wrap after `cycle`. */
  const uint32_t word[9] = { [2] = 0xE4E4E4E4u, [4] = 0x76543210u, [8] = 0x03020100u };
  const int cycle[9] = { [2] = 4, [4] = 8, [8] = 4 };
  for (int bi = 0; bi < 3; bi++) {
    int bits = kBits[bi];
    uint32_t w[8];
    for (int i = 0; i < 8; i++) w[i] = word[bits];
    uint16_t s = tb_f32_to_bf16(2.0f), b = tb_f32_to_bf16(0.5f);
    tb_qmat m = { w, &s, &b, 1, 32, bits, 32 };
    float x[32], y = 0;
    for (int c = 0; c < 32; c++) {
      memset(x, 0, sizeof x);
      x[c] = 1.0f;   /* selects column c: y = 2·q_c + 0.5 */
      tb_kernel_variants[TB_KV_SCALAR].fn[bits](&m, x, &y, 0, 1);
      float want = 2.0f * (float)(c % cycle[bits]) + 0.5f;
      TB_CHECK(y == want, "bits=%d column %d: got %g, want %g", bits, c, y, want);
    }
  }
}

TB_TEST(kernel_scalar_matches_double_reference) {
  tb_rng rng;
  tb_rng_seed(&rng, 11);
  for (int bi = 0; bi < 3; bi++)
    for (int gi = 0; gi < 3; gi++)
      for (int ci = 0; ci < 3; ci++)
        for (int ri = 0; ri < 4; ri++) {
          int bits = kBits[bi], group = kGroups[gi], cols = cols_of(group, ci), rows = kRows[ri];
          kfix_qmat q;
          kfix_qmat_random(&q, &rng, rows, cols, bits, group);
          float *x = malloc(sizeof(float) * cols), *y = malloc(sizeof(float) * rows);
          kfix_random_vec(&rng, x, cols);
          tb_kernel_variants[TB_KV_SCALAR].fn[bits](&q.m, x, y, 0, rows);
          /* The reference is in float; the double result is exact to ~1e-16, so the float
           * error bound alone is the tolerance. */
          double rel = kfix_qmv_rel_bound(&q.m);
          for (int r = 0; r < rows; r++) {
            double dot, mag;
            kfix_row_ref(&q.m, x, r, &dot, &mag);
            TB_CHECK(fabs(y[r] - dot) <= rel * mag,
                     "bits=%d group=%d %dx%d row %d: %.9g vs exact %.9g (tolerance %.3g)",
                     bits, group, rows, cols, r, y[r], dot, rel * mag);
          }
          free(x); free(y); kfix_qmat_free(&q);
        }
}

/* Runs `kern` (forced by name) on q through tb_qmatvec inline and checks it entered the
 * variant's kernel exactly once and agrees with the scalar reference row by row. */
static void check_variant(const char *name, const kfix_qmat *q, const float *x, float *y, float *ref) {
  const tb_kernel_variant *kern;
  TB_CHECK_OK(tb_kernel_select(name, &kern));
  const tb_qmat *m = &q->m;
  int64_t before = tb_kernel_calls(name, m->bits);
  tb_qmatvec(NULL, kern, m, x, y);
  TB_CHECK(tb_kernel_calls(name, m->bits) == before + 1, "%s q%d: kernel calls went %lld -> %lld, "
           "expected one entry", name, m->bits, (long long)before, (long long)tb_kernel_calls(name, m->bits));
  tb_kernel_variants[TB_KV_SCALAR].fn[m->bits](m, x, ref, 0, m->rows);
  /* Both results lie within rel·magnitude of the exact value (kfix_qmv_rel_bound), so they
   * lie within twice that of each other, whatever order each sums in. */
  double rel = 2.0 * kfix_qmv_rel_bound(m);
  for (int r = 0; r < m->rows; r++) {
    double dot, mag;
    kfix_row_ref(m, x, r, &dot, &mag);
    TB_CHECK(fabs((double)y[r] - ref[r]) <= rel * mag, "%s bits=%d group=%d %dx%d row %d: %.9g vs "
             "scalar %.9g (tolerance %.3g)", name, m->bits, m->group, m->rows, m->cols, r, y[r],
             ref[r], rel * mag);
  }
}

TB_TEST(kernel_variants_match_scalar) {
  tb_rng rng;
  tb_rng_seed(&rng, 12);
  int tested = 0;
  for (int v = 0; v < tb_kernel_variant_count; v++) {
    const char *name = tb_kernel_variants[v].name;
    if (!tb_kernel_variants[v].available()) continue;
    tested++;
    for (int bi = 0; bi < 3; bi++)
      for (int gi = 0; gi < 3; gi++)
        for (int ci = 0; ci < 3; ci++)
          for (int ri = 0; ri < 4; ri++) {
            int bits = kBits[bi], group = kGroups[gi], cols = cols_of(group, ci), rows = kRows[ri];
            kfix_qmat q;
            kfix_qmat_random(&q, &rng, rows, cols, bits, group);
            float *x = malloc(sizeof(float) * cols), *y = malloc(sizeof(float) * rows);
            float *ref = malloc(sizeof(float) * rows);
            kfix_random_vec(&rng, x, cols);
            check_variant(name, &q, x, y, ref);
            free(x); free(y); free(ref); kfix_qmat_free(&q);
          }
  }
  TB_CHECK(tested >= 1, "no kernel variant is available (scalar always should be)");
}

TB_TEST(kernel_variants_match_scalar_across_slabs) {
  /* Rows wider than one slab of TB_QMV_SLAB_GROUPS groups, with a partial last slab. */
  tb_rng rng;
  tb_rng_seed(&rng, 13);
  int group = 32, cols = group * (TB_QMV_SLAB_GROUPS + 19), rows = 3;
  for (int v = 0; v < tb_kernel_variant_count; v++) {
    if (!tb_kernel_variants[v].available()) continue;
    for (int bi = 0; bi < 3; bi++) {
      kfix_qmat q;
      kfix_qmat_random(&q, &rng, rows, cols, kBits[bi], group);
      float *x = malloc(sizeof(float) * cols), y[3], ref[3];
      kfix_random_vec(&rng, x, cols);
      check_variant(tb_kernel_variants[v].name, &q, x, y, ref);
      free(x); kfix_qmat_free(&q);
    }
  }
}

TB_TEST(kernel_variants_match_scalar_uncommon_groups) {
  /* Group sizes without a specialised loop (any multiple of 32 is valid). */
  tb_rng rng;
  tb_rng_seed(&rng, 15);
  const int groups[] = { 96, 160 };
  for (int v = 0; v < tb_kernel_variant_count; v++) {
    if (!tb_kernel_variants[v].available()) continue;
    for (int bi = 0; bi < 3; bi++)
      for (int gi = 0; gi < 2; gi++) {
        int rows = 9, cols = 5 * groups[gi];
        kfix_qmat q;
        kfix_qmat_random(&q, &rng, rows, cols, kBits[bi], groups[gi]);
        float *x = malloc(sizeof(float) * cols), y[9], ref[9];
        kfix_random_vec(&rng, x, cols);
        check_variant(tb_kernel_variants[v].name, &q, x, y, ref);
        free(x); kfix_qmat_free(&q);
      }
  }
}

TB_TEST(kernel_results_identical_for_1_2_3_threads) {
  tb_rng rng;
  tb_rng_seed(&rng, 14);
  tb_pool *pools[3];
  for (int t = 0; t < 3; t++) TB_CHECK_OK(tb_pool_create(&pools[t], t + 1));
  const int rows_set[] = { 1, 7, 257 };
  for (int v = 0; v < tb_kernel_variant_count; v++) {
    const tb_kernel_variant *kern = &tb_kernel_variants[v];
    if (!kern->available()) continue;
    for (int bi = 0; bi < 3; bi++)
      for (int ri = 0; ri < 3; ri++) {
        int rows = rows_set[ri], cols = 4352, bits = kBits[bi];
        kfix_qmat q;
        kfix_qmat_random(&q, &rng, rows, cols, bits, 64);
        float *x = malloc(sizeof(float) * cols), *y[3];
        kfix_random_vec(&rng, x, cols);
        for (int t = 0; t < 3; t++) {
          y[t] = malloc(sizeof(float) * rows);
          tb_qmatvec(pools[t], kern, &q.m, x, y[t]);
        }
        for (int t = 1; t < 3; t++)
          TB_CHECK(memcmp(y[0], y[t], sizeof(float) * rows) == 0,
                   "%s q%d rows=%d: %d threads differ from 1 thread", kern->name, bits, rows, t + 1);
        for (int t = 0; t < 3; t++) free(y[t]);
        free(x); kfix_qmat_free(&q);
      }
  }
  for (int t = 0; t < 3; t++) tb_pool_destroy(pools[t]);
}

TB_TEST(kernel_select_auto_and_errors) {
  const tb_kernel_variant *kern = NULL;
  TB_CHECK_OK(tb_kernel_select("auto", &kern));
  int best = -1;
  for (int v = 0; v < tb_kernel_variant_count; v++)
    if (tb_kernel_variants[v].available()) best = v;
  TB_CHECK(kern == &tb_kernel_variants[best], "auto chose %s, the best available is %s",
           kern ? kern->name : "nothing", tb_kernel_variants[best].name);

  TB_CHECK(tb_kernel_select("avx9", &kern) == TB_ERR_UNAVAILABLE, "unknown name accepted");
  TB_CHECK(strstr(tb_last_error(), "unknown") && strstr(tb_last_error(), "auto, scalar"),
           "message should name the valid variants: %s", tb_last_error());

  /* Every variant but scalar, hidden as on a CPU without it: forcing it fails with a message
   * listing what is available, and auto falls back to the best remaining one. */
  for (int v = 0; v < tb_kernel_variant_count; v++) {
    const char *name = tb_kernel_variants[v].name;
    if (v == TB_KV_SCALAR) continue;
    TB_CHECK_OK(tb_kernel_hide(name));
    TB_CHECK(tb_kernel_select(name, &kern) == TB_ERR_UNAVAILABLE, "hidden %s could be forced", name);
    TB_CHECK(strstr(tb_last_error(), name) && strstr(tb_last_error(), "available here: auto, scalar"),
             "message should name the variant and list the available ones: %s", tb_last_error());
    TB_CHECK_OK(tb_kernel_select("auto", &kern));
    TB_CHECK(kern != &tb_kernel_variants[v], "auto chose hidden %s", name);
  }
  TB_CHECK_OK(tb_kernel_hide(""));
  for (int v = 0; v < tb_kernel_variant_count; v++)
    if (!tb_kernel_variants[v].available())   /* not on this CPU / architecture */
      TB_CHECK(tb_kernel_select(tb_kernel_variants[v].name, &kern) == TB_ERR_UNAVAILABLE,
               "%s is unavailable here but could be forced", tb_kernel_variants[v].name);
  TB_CHECK(tb_kernel_hide("scalar") == TB_ERR_ARG, "scalar must not be hideable");
  TB_CHECK(tb_kernel_hide("bogus") == TB_ERR_ARG, "unknown name accepted by tb_kernel_hide");
  TB_CHECK_OK(tb_kernel_hide(""));
}

TB_TEST(kernel_calls_rejects_bad_arguments) {
  TB_CHECK(tb_kernel_calls("bogus", 4) == -1, "unknown variant should give -1");
  TB_CHECK(strstr(tb_last_error(), "bogus"), "message should name the variant: %s", tb_last_error());
  TB_CHECK(tb_kernel_calls("scalar", 3) == -1, "bits=3 should give -1");
  TB_CHECK(tb_kernel_calls("scalar", 4) >= 0, "scalar q4 count should be readable");
}
