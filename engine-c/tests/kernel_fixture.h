/* kernel_fixture.h — test data for the kernel tests: random quantized matrices and inputs,
 * an independent double-precision reference (dequantize, then dot) and the error bound that
 * every kernel tolerance is derived from. */
#ifndef TB_KERNEL_FIXTURE_H
#define TB_KERNEL_FIXTURE_H

#include "../src/kernels/kernels.h"
#include "../src/util/common.h"

/* A quantized matrix owning its arrays. */
typedef struct {
  tb_qmat m;
  uint32_t *w;               /* [rows][cols·bits/32] */
  uint16_t *scales, *biases; /* [rows][cols/group] bf16 */
} kfix_qmat;

/* Fills packed weights with random words and scale/bias with MLX-like values (scale
 * ≈ range/(2^bits − 1) > 0, bias ≈ −range/2 with random sign), deterministic in rng. */
void kfix_fill_parts(tb_rng *rng, uint32_t *w, uint16_t *scales, uint16_t *biases,
                     int rows, int cols, int bits, int group);
void kfix_qmat_random(kfix_qmat *q, tb_rng *rng, int rows, int cols, int bits, int group);
void kfix_qmat_free(kfix_qmat *q);
/* Uniform in [-1, 1). */
void kfix_random_vec(tb_rng *rng, float *x, int n);

/* Element (r, c) of the dequantized matrix: scale·q + bias, in double. */
double kfix_dequant(const tb_qmat *m, int r, int c);
/* Row r: exact (double) dot of the dequantized row with x, and its magnitude
 * Σ_c |s·q_c·x_c| + |b·x_c|, the scale every rounding error is relative to. */
void kfix_row_ref(const tb_qmat *m, const float *x, int r, double *dot, double *magnitude);

/* First-order bound on |float result − exact| / magnitude for a kernel that sums one group
 * with at most `group` roundings (products, then the sum of the group and of x over the
 * group), scales it (1), and sums the groups (at most cols/group roundings), plus a few
 * more for combining partial sums and horizontal reductions (8): (group + groups + 8)·2^-24. */
double kfix_qmv_rel_bound(const tb_qmat *m);

#endif
