/* variants.h — internal to the kernels module: the ids of the kernel variants, the call
 * counter each kernel function bumps on entry, and each variant's entry points for the
 * registry (kernel_registry.c). Adding a variant = one id, its functions, one table entry. */
#ifndef TB_KERNEL_VARIANTS_H
#define TB_KERNEL_VARIANTS_H

#include "kernels.h"

enum { TB_KV_SCALAR, TB_KV_AVX2, TB_KV_AVX512, TB_KV_COUNT };

/* Counts one entry into variant `v`'s kernel at `bits` (relaxed atomic add). */
void tb_kernel_note_call(int v, int bits);

/* Scalar reference: the definition every other variant is tested against. */
void tb_qmv_scalar_q2(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);
void tb_qmv_scalar_q4(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);
void tb_qmv_scalar_q8(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);

/* x86-64 variants. Declared everywhere; defined only on x86-64 (see TB_X86_FN). */
int tb_avx2_available(void);
void tb_qmv_avx2_q2(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);
void tb_qmv_avx2_q4(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);
void tb_qmv_avx2_q8(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);
int tb_avx512_available(void);
void tb_qmv_avx512_q2(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);
void tb_qmv_avx512_q4(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);
void tb_qmv_avx512_q8(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);

#if defined(__x86_64__)
#define TB_X86_FN(f) f
#else
#define TB_X86_FN(f) NULL
#endif

/* Column slab of the SIMD kernels, in groups: per-group sums of x and a block of rows'
 * scales as floats live on the stack (≤ 5 KiB); wider rows are processed slab by slab, each
 * row's slabs in order. */
#define TB_QMV_SLAB_GROUPS 256

#endif
