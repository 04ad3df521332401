/* kernels.h — the expert math: dequantize+matvec over MLX affine group quantization
 * (w = scale·q + bias, bf16 scale/bias per group of `group` inputs, weights packed as uint32
 * words of 32/bits values, lowest bits first), SwiGLU, RMS norm, the expert FFN and the
 * weighted combine. One scalar reference per bit width plus SIMD variants, chosen at run
 * time through one table, each forceable by name. */
#ifndef TB_KERNELS_H
#define TB_KERNELS_H

#include <stdint.h>
#include "../model/geometry.h"

/* A quantized matrix view: rows outputs × cols inputs. */
typedef struct {
  const uint32_t *w;       /* [rows][cols·bits/32] packed words */
  const uint16_t *scales;  /* [rows][cols/group] bf16 */
  const uint16_t *biases;  /* [rows][cols/group] bf16 */
  int rows, cols, bits, group;
} tb_qmat;

/* y[r] = Σ_c dequant(m)[r][c]·x[c] for r in [row_begin,row_end). x: [cols], y: [rows]. */
typedef void (*tb_qmatvec_fn)(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);

typedef struct {
  const char *name;        /* "scalar", "avx2", "avx512" */
  int (*available)(void);  /* CPU supports it (run-time check) */
  tb_qmatvec_fn fn[9];     /* indexed by bits (2, 4, 8); NULL where not provided */
} tb_kernel_variant;

extern const tb_kernel_variant tb_kernel_variants[];
extern const int tb_kernel_variant_count;

/* "auto" picks the best available; a forced name that is unavailable → TB_ERR_UNAVAILABLE. */
int tb_kernel_select(const char *name, const tb_kernel_variant **out);
/* Times each variant has been run (per bits), so tests can show a forced variant ran. */
int64_t tb_kernel_calls(const char *variant_name, int bits);

/* Views of a record's parts as matrices (gate/up: ffn×hidden, down: hidden×ffn). */
void tb_qmat_from_record(const uint8_t *record, const tb_record_layout *rec, const tb_geometry *g,
                         int ffn, int bits, int which /* 0 gate, 1 up, 2 down */, tb_qmat *out);

/* A fixed-size worker pool for row-parallel kernels; threads=1 runs inline. */
typedef struct tb_pool tb_pool;
int tb_pool_create(tb_pool **out, int threads);
void tb_pool_destroy(tb_pool *p);
int tb_pool_threads(const tb_pool *p);
/* y = m·x using `kern`, rows split across the pool. Deterministic: each row is summed by one
 * thread in a fixed order, so the result does not depend on the thread count. */
void tb_qmatvec(tb_pool *p, const tb_kernel_variant *kern, const tb_qmat *m, const float *x, float *y);

void tb_rmsnorm(float *out, const float *x, int n, float eps);
/* h[i] = silu(gate[i])·up[i] */
void tb_swiglu(float *h, const float *gate, const float *up, int n);

/* Scratch for one expert FFN: gate [ffn], up [ffn], act [ffn]. */
typedef struct { float *gate, *up, *act; int ffn; } tb_ffn_scratch;
/* out[hidden] = down·(silu(gate·x)·(up·x)) for the record at `record`. */
void tb_expert_ffn(tb_pool *p, const tb_kernel_variant *kern, const tb_geometry *g,
                   const tb_record_layout *rec, int ffn, int bits, const uint8_t *record,
                   const float *x, float *out, tb_ffn_scratch *s);
/* h[i] += Σ_k w[k]·y[k][i], k in routing order (fixed summation order → reproducible). */
void tb_combine(float *h, const float *const *y, const float *w, int k, int n);

#endif
