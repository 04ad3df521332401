/* metal_check.h — the checks a Metal kernel's output must pass, against the scalar reference and
 * a double-precision evaluation, with the tolerances written out: one set of criteria, used by
 * the shim tests on Linux (shaders run on the CPU) and by the GPU tests on a Mac (test_metal_gpu.c).
 * Each check takes a stage's own inputs, so a tolerance never has to carry an earlier error. */
#ifndef TB_METAL_CHECK_H
#define TB_METAL_CHECK_H

#include "kernel_fixture.h"
#include "tb_test.h"
#include "../include/tierbench.h"   /* tb_last_error, for TB_CHECK_OK */

/* Allowance for exp in the GPU's SwiGLU, ulp: precise::exp on a GPU; the shim uses the C
 * library's expf, which stays well inside it. */
#define MCHECK_EXP_ULP 4

/* First-order bound on |GPU matvec − exact| / magnitude (magnitude: Σ|s·q·x| + |b·x| over the
 * row, kfix_row_ref), from the rounding depth of each term in metal/qmv.metal:
 *   a scale term: 32/bits − 1 adds and 1 product inside a word's dot, 1 product by the scale;
 *   a bias term: group − 1 adds for the group's Σx, 1 product by the bias;
 *   then both: the lane's running sum (one add per word and per group the lane takes in each
 *   tile, plus one per tile) and 31 for simd_sum over 32 lanes in whatever order the GPU uses.
 * A fused multiply-add only removes roundings, so the bound holds with or without them. */
double mcheck_qmv_rel_bound(int cols, int bits, int group, int tile);

/* y[rows] = m·x computed by the Metal matvec with staging tile `tile`: every row within
 * mcheck_qmv_rel_bound of the exact value, and within that plus the scalar kernel's bound
 * (kfix_qmv_rel_bound) of the scalar reference. `what` prefixes failure messages. */
void mcheck_qmv(const tb_qmat *m, const float *x, const float *y, int tile, const char *what);

/* act[n] = SwiGLU(gate, up): each within (2·MCHECK_EXP_ULP + 3)·2^-24 relative of
 * silu(gate)·up in double (exp's error, then 1 + e, the division and the product). */
void mcheck_swiglu(const float *gate, const float *up, const float *act, int n, const char *what);

/* h[n] = h0 + shared + Σ_k w[k]·y[k] in routing order: within (k + 1)·2^-24 of the terms'
 * magnitude |h0| + |shared| + Σ|w·y| (h0 passes k + 1 additions, w[0]·y[0] one product and k
 * additions; no term passes more). */
void mcheck_combine(const float *h0, const float *shared, const float *y, const float *w, int k, int n,
                    const float *h, const char *what);

/* One expert FFN as the plan leaves it (tb_mtl_plan_ffn with tile_max): gate, up, act and y
 * each checked from their own inputs (x; gate and up; act). */
void mcheck_ffn(const tb_geometry *g, const tb_record_layout *rec, int ffn, int bits, const uint8_t *record,
                const float *x, const float *gate, const float *up, const float *act, const float *y,
                int tile_max, const char *what);

#endif
