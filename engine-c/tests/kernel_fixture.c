/* kernel_fixture.c — random quantized matrices, the double-precision reference and the
 * rounding-error bound used by the kernel tests (see kernel_fixture.h). */
#include "kernel_fixture.h"
#include <math.h>
#include <stdlib.h>

void kfix_fill_parts(tb_rng *rng, uint32_t *w, uint16_t *scales, uint16_t *biases,
                     int rows, int cols, int bits, int group) {
  int64_t words = (int64_t)rows * cols / (32 / bits);
  int64_t groups = (int64_t)rows * (cols / group);
  for (int64_t i = 0; i < words; i++) w[i] = (uint32_t)tb_rng_next(rng);
  double levels = (double)((1 << bits) - 1);
  for (int64_t i = 0; i < groups; i++) {
    double range = 0.05 + 0.1 * tb_rng_uniform(rng);       /* a group's weight spread */
    double sign = tb_rng_uniform(rng) < 0.5 ? -1.0 : 1.0;
    scales[i] = tb_f32_to_bf16((float)(range / levels));
    biases[i] = tb_f32_to_bf16((float)(sign * range * (0.3 + 0.4 * tb_rng_uniform(rng))));
  }
}

void kfix_qmat_random(kfix_qmat *q, tb_rng *rng, int rows, int cols, int bits, int group) {
  q->w = malloc((size_t)rows * cols / (32 / bits) * sizeof *q->w);
  q->scales = malloc((size_t)rows * (cols / group) * sizeof *q->scales);
  q->biases = malloc((size_t)rows * (cols / group) * sizeof *q->biases);
  kfix_fill_parts(rng, q->w, q->scales, q->biases, rows, cols, bits, group);
  q->m = (tb_qmat){ q->w, q->scales, q->biases, rows, cols, bits, group };
}

void kfix_qmat_free(kfix_qmat *q) {
  free(q->w);
  free(q->scales);
  free(q->biases);
}

void kfix_random_vec(tb_rng *rng, float *x, int n) {
  for (int i = 0; i < n; i++) x[i] = (float)(2.0 * tb_rng_uniform(rng) - 1.0);
}

/* Written independently of the kernels: value index c of the row lives in word c/(32/bits)
 * at bit offset (c mod 32/bits)·bits. */
static int quant_at(const tb_qmat *m, int r, int c) {
  int per_word = 32 / m->bits;
  const uint32_t *row = m->w + (int64_t)r * (m->cols / per_word);
  return (int)((row[c / per_word] >> ((c % per_word) * m->bits)) & ((1u << m->bits) - 1));
}

double kfix_dequant(const tb_qmat *m, int r, int c) {
  int64_t gi = (int64_t)r * (m->cols / m->group) + c / m->group;
  return (double)tb_bf16_to_f32(m->scales[gi]) * quant_at(m, r, c) + tb_bf16_to_f32(m->biases[gi]);
}

void kfix_row_ref(const tb_qmat *m, const float *x, int r, double *dot, double *magnitude) {
  double d = 0.0, mag = 0.0;
  for (int c = 0; c < m->cols; c++) {
    int64_t gi = (int64_t)r * (m->cols / m->group) + c / m->group;
    double s = tb_bf16_to_f32(m->scales[gi]), b = tb_bf16_to_f32(m->biases[gi]);
    double q = quant_at(m, r, c);
    d += (s * q + b) * x[c];
    mag += fabs(s * q * x[c]) + fabs(b * x[c]);
  }
  *dot = d;
  *magnitude = mag;
}

double kfix_qmv_rel_bound(const tb_qmat *m) {
  return (m->group + m->cols / m->group + 8) * 0x1.0p-24;
}
