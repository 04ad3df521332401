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

/* The registry, ordered from the reference to the fastest: "auto" takes the last available.
 * Every variant has an entry on every architecture; where it is not compiled in, available()
 * returns 0 and its fn[] are NULL. */
extern const tb_kernel_variant tb_kernel_variants[];
extern const int tb_kernel_variant_count;

/* "auto" picks the best available; a forced name that is unavailable → TB_ERR_UNAVAILABLE,
 * an unknown name → TB_ERR_UNAVAILABLE too; both messages list the valid names. */
int tb_kernel_select(const char *name, const tb_kernel_variant **out);
/* Times a variant's kernel function has been entered at `bits` (atomic; a row-parallel
 * tb_qmatvec enters it once per worker that has rows), so tests can show a forced variant
 * ran. -1 with a message for an unknown name or bits not in {2,4,8}. */
int64_t tb_kernel_calls(const char *variant_name, int bits);
/* Treats the listed variants ("avx512,avx2"; "" = none) as unavailable, as on a CPU without
 * them, so selection and fallback can be exercised on any machine. "scalar" cannot be hidden.
 * Process-wide; returns TB_ERR_ARG for an unknown name. */
int tb_kernel_hide(const char *names);

/* Views of a record's parts as matrices (gate/up: ffn×hidden, down: hidden×ffn). */
void tb_qmat_from_record(const uint8_t *record, const tb_record_layout *rec, const tb_geometry *g,
                         int ffn, int bits, int which /* 0 gate, 1 up, 2 down */, tb_qmat *out);

/* A fixed-size worker pool for row-parallel kernels; threads=1 runs inline. The caller's
 * thread is worker 0, so a pool of n threads starts n-1. One caller at a time. */
#define TB_POOL_MAX_THREADS 256
typedef struct tb_pool tb_pool;
/* threads in 1..TB_POOL_MAX_THREADS, else TB_ERR_ARG. */
int tb_pool_create(tb_pool **out, int threads);
void tb_pool_destroy(tb_pool *p);
int tb_pool_threads(const tb_pool *p);   /* 1 for a NULL pool */
/* Runs task(arg, w, n) for every worker w in [0,n), w = 0 on the calling thread, and returns
 * when all have finished. No allocation, no thread creation. A NULL pool runs task(arg, 0, 1). */
typedef void (*tb_pool_task)(void *arg, int worker, int workers);
void tb_pool_run(tb_pool *p, tb_pool_task task, void *arg);
/* Rows [begin,end) of `rows` that worker w of n owns: contiguous, in worker order. */
void tb_pool_share(int rows, int worker, int workers, int *begin, int *end);

/* y = m·x using `kern`, rows split across the pool (NULL pool: inline). Deterministic: each
 * row is summed by one thread in a fixed order, so the result does not depend on the thread
 * count. m->bits must be one kern provides (2, 4, 8), m->cols a multiple of m->group, and
 * m->group a multiple of 32. */
void tb_qmatvec(tb_pool *p, const tb_kernel_variant *kern, const tb_qmat *m, const float *x, float *y);
/* y0 = m0·x and y1 = m1·x as one pool task (gate and up of an FFN: one wake-up, not two);
 * each worker does its rows of m0, then its rows of m1. Same results as two tb_qmatvec. */
void tb_qmatvec2(tb_pool *p, const tb_kernel_variant *kern, const tb_qmat *m0, const tb_qmat *m1,
                 const float *x, float *y0, float *y1);

/* out[i] = x[i] / sqrt(mean(x²) + eps); out may equal x. */
void tb_rmsnorm(float *out, const float *x, int n, float eps);
/* h[i] = silu(gate[i])·up[i] */
void tb_swiglu(float *h, const float *gate, const float *up, int n);

/* Scratch for one expert FFN: gate [ffn], up [ffn], act [ffn]; ffn = capacity in elements. */
typedef struct { float *gate, *up, *act; int ffn; } tb_ffn_scratch;
/* out[hidden] = down·(silu(gate·x)·(up·x)) for the record at `record` (laid out as `rec`,
 * i.e. tb_record_layout_of(g, ffn, bits)); x: [hidden]; s->ffn >= ffn. Gate and up run as
 * one pool task, down as a second; nothing is allocated. Also the shared expert (its ffn). */
void tb_expert_ffn(tb_pool *p, const tb_kernel_variant *kern, const tb_geometry *g,
                   const tb_record_layout *rec, int ffn, int bits, const uint8_t *record,
                   const float *x, float *out, tb_ffn_scratch *s);
/* h[i] += Σ_k w[k]·y[k][i], k in routing order (fixed summation order → reproducible). */
void tb_combine(float *h, const float *const *y, const float *w, int k, int n);

#endif
