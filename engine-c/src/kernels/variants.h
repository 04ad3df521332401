/* variants.h — internal to the kernels module: the ids of the kernel variants, the call
 * counter each kernel function bumps on entry, and each variant's entry points for the
 * registry (kernel_registry.c). Adding a variant = one id, its functions, one table entry. */
#ifndef TB_KERNEL_VARIANTS_H
#define TB_KERNEL_VARIANTS_H

#include "kernels.h"

enum { TB_KV_SCALAR, TB_KV_COUNT };

/* Counts one entry into variant `v`'s kernel at `bits` (relaxed atomic add). */
void tb_kernel_note_call(int v, int bits);

/* Scalar reference: the definition every other variant is tested against. */
void tb_qmv_scalar_q2(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);
void tb_qmv_scalar_q4(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);
void tb_qmv_scalar_q8(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end);

/* Column slab of the SIMD kernels: per-group sums of x for up to this many groups live on
 * the stack (4 KiB); wider rows are processed slab by slab, each row's slabs in order. */
#define TB_QMV_SLAB_GROUPS 1024

#endif
