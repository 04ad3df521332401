/* metal_args.h — what the host and the Metal kernels (metal/, .metal files) must agree on, compiled by
 * both: the argument blocks passed with setBytes, their sizes (checked on both sides), and the
 * threadgroup shape of the matvec. Plain int fields: 32-bit in C and in the Metal language. */
#ifndef TB_METAL_ARGS_H
#define TB_METAL_ARGS_H

#include "../model/record_parts.h"

/* Every Metal kernel here assumes 32-lane SIMD groups (Apple GPUs); the host checks the
 * pipeline's threadExecutionWidth against it. */
#define TB_MTL_SIMD_WIDTH 32

/* Matvec threadgroup: SIMDGROUPS SIMD groups, each computing ROWS consecutive rows, so one
 * threadgroup covers SIMDGROUPS·ROWS rows and stages x once for all of them. */
#define TB_MTL_QMV_SIMDGROUPS 4
#define TB_MTL_QMV_ROWS 4
#define TB_MTL_QMV_THREADS (TB_MTL_QMV_SIMDGROUPS * TB_MTL_SIMD_WIDTH)
#define TB_MTL_QMV_ROWS_PER_GROUP (TB_MTL_QMV_SIMDGROUPS * TB_MTL_QMV_ROWS)
/* Columns of x staged in threadgroup memory per pass (with their per-group sums): at most
 * 4096 floats = 16 KiB + sums, half of the 32 KiB Apple GPUs give a threadgroup. */
#define TB_MTL_X_TILE_MAX 4096
#define TB_MTL_TG_MEM_MAX 32768
/* Element-wise kernels (SwiGLU, combine): one thread per element. */
#define TB_MTL_VEC_THREADS 256

/* y[rows] = dequant(W)[rows][cols] · x[cols] (qmv.metal). Buffers 0..4: weights, scales,
 * biases, x, y; this block at index 5; threadgroup memory 0: tile + tile/group floats. */
typedef struct {
  int rows;            /* output rows */
  int cols;            /* inputs per row: a multiple of group */
  int group;           /* inputs per (scale, bias): a multiple of 32 */
  int tile;            /* columns staged per pass: a multiple of group, ≤ TB_MTL_X_TILE_MAX */
} tb_mtl_qmv_args;

/* Element-wise kernels over n elements (swiglu.metal, combine.metal). */
typedef struct {
  int n;               /* elements */
  int k;               /* combine: routed experts (rows of y and entries of w); else 0 */
} tb_mtl_vec_args;

TB_STATIC_ASSERT(sizeof(tb_mtl_qmv_args) == 16, "qmv args: four 32-bit ints on host and GPU");
TB_STATIC_ASSERT(sizeof(tb_mtl_vec_args) == 8, "vector args: two 32-bit ints on host and GPU");
TB_STATIC_ASSERT(TB_MTL_QMV_THREADS <= 1024, "a threadgroup has at most 1024 threads");
TB_STATIC_ASSERT(TB_MTL_X_TILE_MAX * 4 + TB_MTL_X_TILE_MAX / 32 * 4 <= TB_MTL_TG_MEM_MAX,
                 "a full tile and its group sums fit the threadgroup memory");

#endif
