/* qmatvec_scalar.c — the scalar reference dequantize+matvec for 2, 4 and 8 bits: plain C,
 * one row at a time, groups in order, the factored form s·Σq·x + b·Σx per group.
 * Every SIMD variant is tested against these. */
#include "variants.h"
#include "../util/common.h"

/* `bits` is a compile-time constant at each call site below, so the unpacking loop is
 * specialised per bit width. Values are packed lowest bits first in uint32 words. */
static inline void qmv_scalar(const tb_qmat *m, const float *x, float *y, int row_begin,
                              int row_end, const int bits) {
  const int per_word = 32 / bits;                 /* values per uint32 word */
  const uint32_t mask = (1u << bits) - 1;
  const int groups = m->cols / m->group;          /* groups per row */
  const int words_per_group = m->group / per_word;
  const int64_t words_per_row = (int64_t)groups * words_per_group;
  for (int r = row_begin; r < row_end; r++) {
    const uint32_t *w = m->w + (int64_t)r * words_per_row;
    const uint16_t *s = m->scales + (int64_t)r * groups;
    const uint16_t *b = m->biases + (int64_t)r * groups;
    float acc = 0.0f;
    for (int g = 0; g < groups; g++) {
      const float *xg = x + (int64_t)g * m->group;
      float sum_qx = 0.0f, sum_x = 0.0f;
      for (int j = 0; j < words_per_group; j++) {
        uint32_t word = w[(int64_t)g * words_per_group + j];
        for (int i = 0; i < per_word; i++) {
          float q = (float)((word >> (bits * i)) & mask);
          float xv = xg[j * per_word + i];
          sum_qx += q * xv;
          sum_x += xv;
        }
      }
      acc += tb_bf16_to_f32(s[g]) * sum_qx + tb_bf16_to_f32(b[g]) * sum_x;
    }
    y[r] = acc;
  }
}

void tb_qmv_scalar_q2(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end) {
  tb_kernel_note_call(TB_KV_SCALAR, 2);
  qmv_scalar(m, x, y, row_begin, row_end, 2);
}

void tb_qmv_scalar_q4(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end) {
  tb_kernel_note_call(TB_KV_SCALAR, 4);
  qmv_scalar(m, x, y, row_begin, row_end, 4);
}

void tb_qmv_scalar_q8(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end) {
  tb_kernel_note_call(TB_KV_SCALAR, 8);
  qmv_scalar(m, x, y, row_begin, row_end, 8);
}
