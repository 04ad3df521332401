/* metal_check.c — the checks and tolerances of metal_check.h. */
#include "metal_check.h"
#include "../src/backend/metal_plan.h"
#include "../src/kernels/variants.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define U 0x1.0p-24   /* unit roundoff of float */
/* Second-order terms (products of two relative errors of ~1e-5) are covered by 1 %. */
#define SECOND_ORDER 1.01

double mcheck_qmv_rel_bound(int cols, int bits, int group, int tile) {
  int per_word = 32 / bits, lane_adds = 0;
  for (int c0 = 0; c0 < cols; c0 += tile) {
    int n = cols - c0 < tile ? cols - c0 : tile;
    lane_adds += (n / per_word + 31) / 32 + (n / group + 31) / 32 + 1;
  }
  int inner = per_word + 1 > group ? per_word + 1 : group;
  return (inner + lane_adds + 31) * U;
}

void mcheck_qmv(const tb_qmat *m, const float *x, const float *y, int tile, const char *what) {
  float *ref = malloc(sizeof(float) * (size_t)m->rows);
  tb_kernel_variants[TB_KV_SCALAR].fn[m->bits](m, x, ref, 0, m->rows);
  double gpu = mcheck_qmv_rel_bound(m->cols, m->bits, m->group, tile), cpu = kfix_qmv_rel_bound(m);
  int failures = 0;
  for (int r = 0; r < m->rows && failures < 10; r++) {
    double exact, mag;
    kfix_row_ref(m, x, r, &exact, &mag);
    int ok = fabs(y[r] - exact) <= SECOND_ORDER * gpu * mag;
    TB_CHECK(ok, "%s q%d %dx%d g%d: y[%d] = %.9g, exact %.9g (tolerance %.3g)", what, m->bits, m->rows,
             m->cols, m->group, r, y[r], exact, gpu * mag);
    /* both within their bound of the exact value, so within the sum of the bounds of each other */
    int ok_ref = fabs(y[r] - ref[r]) <= SECOND_ORDER * (gpu + cpu) * mag;
    TB_CHECK(ok_ref, "%s q%d %dx%d g%d: y[%d] = %.9g, scalar reference %.9g (tolerance %.3g)", what, m->bits,
             m->rows, m->cols, m->group, r, y[r], ref[r], (gpu + cpu) * mag);
    failures += !ok || !ok_ref;
  }
  free(ref);
}

void mcheck_swiglu(const float *gate, const float *up, const float *act, int n, const char *what) {
  int failures = 0;
  for (int i = 0; i < n && failures < 10; i++) {
    double g = gate[i], want = g / (1.0 + exp(-g)) * up[i];
    /* 1e-37: results that underflow (gate ≪ 0) may round to any tiny value or zero */
    int ok = fabs(act[i] - want) <= (2 * MCHECK_EXP_ULP + 3) * U * fabs(want) + 1e-37;
    TB_CHECK(ok, "%s swiglu[%d] gate=%g up=%g: %.9g, want %.9g", what, i, gate[i], up[i], act[i], want);
    failures += !ok;
  }
}

void mcheck_combine(const float *h0, const float *shared, const float *y, const float *w, int k, int n,
                    const float *h, const char *what) {
  int failures = 0;
  for (int i = 0; i < n && failures < 10; i++) {
    double want = (double)h0[i] + shared[i], mag = fabs(h0[i]) + fabs(shared[i]);
    for (int j = 0; j < k; j++) {
      want += (double)w[j] * y[(size_t)j * n + i];
      mag += fabs((double)w[j] * y[(size_t)j * n + i]);
    }
    int ok = fabs(h[i] - want) <= SECOND_ORDER * (k + 1) * U * mag;
    TB_CHECK(ok, "%s combine[%d] (k=%d): %.9g, want %.9g", what, i, k, h[i], want);
    failures += !ok;
  }
}

void mcheck_ffn(const tb_geometry *g, const tb_record_layout *rec, int ffn, int bits, const uint8_t *record,
                const float *x, const float *gate, const float *up, const float *act, const float *y,
                int tile_max, const char *what) {
  tb_mtl_dispatch d[TB_MTL_FFN_DISPATCHES];
  tb_mtl_plan_ffn(g, rec, ffn, bits, tile_max, d);
  tb_qmat m[3];
  for (int which = 0; which < 3; which++) tb_qmat_from_record(record, rec, g, ffn, bits, which, &m[which]);
  char msg[160];
  snprintf(msg, sizeof msg, "%s gate", what);
  mcheck_qmv(&m[0], x, gate, d[0].args.qmv.tile, msg);
  snprintf(msg, sizeof msg, "%s up", what);
  mcheck_qmv(&m[1], x, up, d[1].args.qmv.tile, msg);
  mcheck_swiglu(gate, up, act, ffn, what);
  snprintf(msg, sizeof msg, "%s down", what);
  mcheck_qmv(&m[2], act, y, d[3].args.qmv.tile, msg);
}
