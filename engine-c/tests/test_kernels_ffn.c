/* test_kernels_ffn.c — the steps around the matvecs against their direct formulas (SwiGLU,
 * RMS norm, combine in routing order) and one expert's FFN on a record against a
 * double-precision dequantize → gate/up → SwiGLU → down, for every available variant. */
#include "tb_test.h"
#include "kernel_fixture.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define U 0x1.0p-24   /* unit roundoff of float */

static double silu(double g) { return g / (1.0 + exp(-g)); }

TB_TEST(swiglu_matches_formula) {
  enum { N = 1000 };
  float gate[N], up[N], h[N];
  tb_rng rng;
  tb_rng_seed(&rng, 21);
  for (int i = 0; i < N; i++) {
    gate[i] = (float)(40.0 * tb_rng_uniform(&rng) - 20.0);
    up[i] = (float)(4.0 * tb_rng_uniform(&rng) - 2.0);
  }
  gate[0] = -200.0f;   /* expf(200) overflows: the result must be -0 or tiny, not NaN */
  tb_swiglu(h, gate, up, N);
  for (int i = 0; i < N; i++) {
    double want = silu(gate[i]) * up[i];
    /* expf within 2 ulp, then negate, add, divide, multiply: ≤ 6 roundings of the result. */
    TB_CHECK(fabs(h[i] - want) <= 6 * U * fabs(want) + 1e-37, "swiglu[%d] g=%g u=%g: %.9g vs %.9g",
             i, gate[i], up[i], h[i], want);
  }
}

TB_TEST(rmsnorm_matches_formula) {
  enum { N = 4096 };
  static float x[N], out[N], inplace[N];
  tb_rng rng;
  tb_rng_seed(&rng, 22);
  kfix_random_vec(&rng, x, N);
  for (int i = 0; i < N; i++) x[i] *= 3.0f;
  const float eps = 1e-6f;
  double ss = 0;
  for (int i = 0; i < N; i++) ss += (double)x[i] * x[i];
  double scale = 1.0 / sqrt(ss / N + eps);
  tb_rmsnorm(out, x, N, eps);
  memcpy(inplace, x, sizeof x);
  tb_rmsnorm(inplace, inplace, N, eps);
  for (int i = 0; i < N; i++) {
    double want = x[i] * scale;
    /* The scale is rounded to float once, the product once. */
    TB_CHECK(fabs(out[i] - want) <= 2 * U * fabs(want), "rmsnorm[%d]: %.9g vs %.9g", i, out[i], want);
  }
  TB_CHECK(memcmp(out, inplace, sizeof out) == 0, "rmsnorm in place differs from out of place");
}

TB_TEST(combine_matches_formula) {
  enum { N = 513, K = 5 };
  static float h[N], ys[K][N];
  float w[K];
  const float *y[K];
  tb_rng rng;
  tb_rng_seed(&rng, 23);
  kfix_random_vec(&rng, h, N);
  for (int k = 0; k < K; k++) { kfix_random_vec(&rng, ys[k], N); y[k] = ys[k]; }
  kfix_random_vec(&rng, w, K);
  static float h0[N];
  memcpy(h0, h, sizeof h);
  tb_combine(h, y, w, K, N);
  for (int i = 0; i < N; i++) {
    double want = h0[i], mag = fabs(h0[i]);
    for (int k = 0; k < K; k++) { want += (double)w[k] * ys[k][i]; mag += fabs((double)w[k] * ys[k][i]); }
    /* K products and K additions, each rounded once, relative to the magnitude of the terms. */
    TB_CHECK(fabs(h[i] - want) <= 2 * K * U * mag, "combine[%d]: %.9g vs %.9g", i, h[i], want);
  }
}

TB_TEST(combine_sums_in_routing_order) {
  /* 1e8 + 1 rounds back to 1e8 in float, so the order of the terms decides the result:
   * ((0 + 1e8) + 1) − 1e8 = 0 but ((0 + 1e8) − 1e8) + 1 = 1. */
  const float big[1] = { 1e8f }, one[1] = { 1.0f }, neg[1] = { -1e8f };
  const float w[3] = { 1.0f, 1.0f, 1.0f };
  const float *order_a[3] = { big, one, neg }, *order_b[3] = { big, neg, one };
  float ha = 0.0f, hb = 0.0f;
  tb_combine(&ha, order_a, w, 3, 1);
  tb_combine(&hb, order_b, w, 3, 1);
  TB_CHECK(ha == 0.0f && hb == 1.0f, "routing order not followed: got %g and %g, want 0 and 1", ha, hb);

  /* The same order twice gives the same bits. */
  enum { N = 300, K = 4 };
  static float ys[K][N], h1[N], h2[N];
  float wr[K];
  const float *y[K];
  tb_rng rng;
  tb_rng_seed(&rng, 24);
  for (int k = 0; k < K; k++) { kfix_random_vec(&rng, ys[k], N); y[k] = ys[k]; }
  kfix_random_vec(&rng, wr, K);
  kfix_random_vec(&rng, h1, N);
  memcpy(h2, h1, sizeof h1);
  tb_combine(h1, y, wr, K, N);
  tb_combine(h2, y, wr, K, N);
  TB_CHECK(memcmp(h1, h2, sizeof h1) == 0, "the same routing order gave different bits");
}

/* A record of geometry g at (ffn, bits) filled with random parts; caller frees. */
static uint8_t *random_record(tb_rng *rng, const tb_geometry *g, int ffn, int bits, tb_record_layout *rec) {
  tb_record_layout_of(g, ffn, bits, rec);
  uint8_t *r = tb_alloc_touched((size_t)rec->size, TB_ALIGN);
  for (int which = 0; which < 3; which++) {
    tb_qmat m;
    tb_qmat_from_record(r, rec, g, ffn, bits, which, &m);
    kfix_fill_parts(rng, (uint32_t *)m.w, (uint16_t *)m.scales, (uint16_t *)m.biases, m.rows, m.cols,
                    bits, g->group);
  }
  return r;
}

static const tb_geometry kTiny = { .hidden = 256, .ffn = 64, .shared_ffn = 128, .layers = 1,
  .experts = 1, .k = 1, .group = 64, .bits = 4, .dense_bits = 4, .dense_matrices = 0 };

TB_TEST(qmat_from_record_views_the_nine_parts) {
  tb_rng rng;
  tb_rng_seed(&rng, 25);
  tb_record_layout rec;
  uint8_t *r = random_record(&rng, &kTiny, kTiny.ffn, 2, &rec);
  for (int which = 0; which < 3; which++) {
    tb_qmat m;
    tb_qmat_from_record(r, &rec, &kTiny, kTiny.ffn, 2, which, &m);
    int rows = which == 2 ? kTiny.hidden : kTiny.ffn, cols = which == 2 ? kTiny.ffn : kTiny.hidden;
    TB_CHECK(m.rows == rows && m.cols == cols && m.bits == 2 && m.group == kTiny.group,
             "%s: %dx%d q%d g%d, want %dx%d q2 g%d", tb_part_names[3 * which], m.rows, m.cols, m.bits,
             m.group, rows, cols, kTiny.group);
    TB_CHECK((const uint8_t *)m.w == r + rec.part[3 * which].offset &&
             (const uint8_t *)m.scales == r + rec.part[3 * which + 1].offset &&
             (const uint8_t *)m.biases == r + rec.part[3 * which + 2].offset,
             "%s: views do not start at the record's parts", tb_part_names[3 * which]);
    /* Each view spans its parts exactly. */
    TB_CHECK((int64_t)rows * cols * 2 / 8 == rec.part[3 * which].size &&
             (int64_t)rows * (cols / kTiny.group) * 2 == rec.part[3 * which + 1].size,
             "%s: view size does not match the layout", tb_part_names[3 * which]);
  }
  tb_free_aligned(r);
}

/* Exact FFN output and a first-order bound on the float kernel's error, per output element. */
static void ffn_reference(const uint8_t *r, const tb_record_layout *rec, const tb_geometry *g, int ffn,
                          int bits, const float *x, double *want, double *tol) {
  tb_qmat gate, up, down;
  tb_qmat_from_record(r, rec, g, ffn, bits, 0, &gate);
  tb_qmat_from_record(r, rec, g, ffn, bits, 1, &up);
  tb_qmat_from_record(r, rec, g, ffn, bits, 2, &down);
  double *act = malloc(sizeof(double) * ffn), *dact = malloc(sizeof(double) * ffn);
  float *actf = malloc(sizeof(float) * ffn);
  for (int j = 0; j < ffn; j++) {
    double gj, mg, uj, mu;
    kfix_row_ref(&gate, x, j, &gj, &mg);
    kfix_row_ref(&up, x, j, &uj, &mu);
    double eg = kfix_qmv_rel_bound(&gate) * mg, eu = kfix_qmv_rel_bound(&up) * mu;
    act[j] = silu(gj) * uj;
    actf[j] = (float)act[j];
    /* silu' lies in [-0.1, 1.1]; SwiGLU itself adds ≤ 6 roundings (swiglu_matches_formula). */
    dact[j] = 1.1 * eg * (fabs(uj) + eu) + (fabs(silu(gj)) + 1.1 * eg) * eu + 6 * U * fabs(act[j]);
  }
  for (int i = 0; i < g->hidden; i++) {
    double dot = 0, mag = 0, prop = 0;
    for (int j = 0; j < ffn; j++) {
      double wij = kfix_dequant(&down, i, j);
      dot += wij * act[j];
      prop += fabs(wij) * dact[j];
    }
    double ignored;
    kfix_row_ref(&down, actf, i, &ignored, &mag);
    want[i] = dot;
    /* down's own rounding + the error carried in from act; ×1.01 covers second-order terms
     * (products of two relative errors of ~1e-5). */
    tol[i] = 1.01 * (kfix_qmv_rel_bound(&down) * mag + prop);
  }
  free(act); free(dact); free(actf);
}

TB_TEST(expert_ffn_matches_formula) {
  tb_rng rng;
  tb_rng_seed(&rng, 26);
  const int bits_set[] = { 2, 4, 8 }, groups[] = { 32, 64 };
  float x[256], out[256], gate[128], up[128], act[128];
  double want[256], tol[256];
  tb_ffn_scratch s = { gate, up, act, 128 };
  for (int v = 0; v < tb_kernel_variant_count; v++) {
    const tb_kernel_variant *kern = &tb_kernel_variants[v];
    if (!kern->available()) continue;
    for (int bi = 0; bi < 3; bi++)
      for (int gi = 0; gi < 2; gi++)
        for (int shared = 0; shared < 2; shared++) {   /* a routed expert, then the shared one */
          tb_geometry g = kTiny;
          g.group = groups[gi];
          int bits = bits_set[bi], ffn = shared ? g.shared_ffn : g.ffn;
          tb_record_layout rec;
          uint8_t *r = random_record(&rng, &g, ffn, bits, &rec);
          kfix_random_vec(&rng, x, g.hidden);
          tb_expert_ffn(NULL, kern, &g, &rec, ffn, bits, r, x, out, &s);
          ffn_reference(r, &rec, &g, ffn, bits, x, want, tol);
          for (int i = 0; i < g.hidden; i++)
            TB_CHECK(fabs(out[i] - want[i]) <= tol[i], "%s q%d g%d ffn=%d out[%d]: %.9g vs %.9g (tol %.3g)",
                     kern->name, bits, g.group, ffn, i, out[i], want[i], tol[i]);
          tb_free_aligned(r);
        }
  }
}

TB_TEST(expert_ffn_identical_for_1_2_3_threads) {
  tb_rng rng;
  tb_rng_seed(&rng, 27);
  tb_pool *pools[3];
  for (int t = 0; t < 3; t++) TB_CHECK_OK(tb_pool_create(&pools[t], t + 1));
  float x[256], out[3][256], gate[64], up[64], act[64];
  tb_ffn_scratch s = { gate, up, act, 64 };
  for (int v = 0; v < tb_kernel_variant_count; v++) {
    const tb_kernel_variant *kern = &tb_kernel_variants[v];
    if (!kern->available()) continue;
    tb_record_layout rec;
    uint8_t *r = random_record(&rng, &kTiny, kTiny.ffn, 4, &rec);
    kfix_random_vec(&rng, x, kTiny.hidden);
    for (int t = 0; t < 3; t++) tb_expert_ffn(pools[t], kern, &kTiny, &rec, kTiny.ffn, 4, r, x, out[t], &s);
    TB_CHECK(memcmp(out[0], out[1], sizeof out[0]) == 0 && memcmp(out[0], out[2], sizeof out[0]) == 0,
             "%s: expert FFN output depends on the thread count", kern->name);
    tb_free_aligned(r);
  }
  for (int t = 0; t < 3; t++) tb_pool_destroy(pools[t]);
}
