/* metal_plan.h — the Metal kernels' dispatches as data: kernel, buffers (by role, offset and
 * length), argument block, grid and threadgroup memory, for one expert's FFN and for the
 * combine. The macOS host (backend_metal.m) encodes these as they are; the shim tests run the
 * same plans through the shaders on the CPU, so the tests check what the GPU is given. */
#ifndef TB_METAL_PLAN_H
#define TB_METAL_PLAN_H

#include <stdint.h>
#include "metal_args.h"
#include "../model/geometry.h"

/* Kernels, named as in the shaders (metal/qmv.metal, swiglu.metal, combine.metal). */
enum { TB_MK_QMV_Q2, TB_MK_QMV_Q4, TB_MK_QMV_Q8, TB_MK_SWIGLU, TB_MK_COMBINE, TB_MK_COUNT };
extern const char *const tb_mtl_kernel_names[TB_MK_COUNT];

/* What a bound buffer is; the host maps a role to the Metal buffer holding it. */
enum {
  TB_MR_RECORD,   /* an expert record (nine parts), read-only */
  TB_MR_X,        /* [hidden] float: expert input */
  TB_MR_GATE,     /* [ffn] float: gate·x (one expert's scratch) */
  TB_MR_UP,       /* [ffn] float: up·x */
  TB_MR_ACT,      /* [ffn] float: SwiGLU(gate, up) */
  TB_MR_Y,        /* [hidden] float: expert output */
  TB_MR_H,        /* [n] float: hidden state, updated in place by the combine */
  TB_MR_SHARED,   /* [n] float: shared expert output */
  TB_MR_YS,       /* [k][n] float: routed expert outputs, routing order */
  TB_MR_W,        /* [k] float: routing weights */
  TB_MR_COUNT
};

typedef struct {
  int role;                /* TB_MR_* */
  int64_t offset, bytes;   /* the bound range within the role's memory, bytes */
} tb_mtl_bind;

#define TB_MTL_MAX_BINDS 5
typedef struct {
  int kernel;              /* TB_MK_* */
  int binds;               /* buffers at indices 0 .. binds-1; the argument block at `binds` */
  tb_mtl_bind bind[TB_MTL_MAX_BINDS];
  union { tb_mtl_qmv_args qmv; tb_mtl_vec_args vec; } args;
  int args_bytes;          /* bytes of args passed (sizeof the member in use) */
  int groups, threads;     /* 1-D grid: `groups` threadgroups of `threads` threads */
  int tg_bytes;            /* threadgroup memory at index 0, a multiple of 16; 0 = none */
} tb_mtl_dispatch;

/* y = W·x for a rows×cols matrix at `bits` whose weight, scales and biases are record parts
 * part[0..2]; x and y are roles. tile_max: columns staged per pass (TB_MTL_X_TILE_MAX; the
 * tests pass less to exercise several passes); the tile is the largest multiple of group ≤
 * min(cols, tile_max), and at least one group. */
void tb_mtl_plan_qmv(const tb_part part[3], int rows, int cols, int bits, int group, int x_role,
                     int y_role, int tile_max, tb_mtl_dispatch *out);

/* One expert's FFN on a record laid out as `rec` (tb_record_layout_of(g, ffn, bits)):
 * gate·X → GATE, up·X → UP, SwiGLU → ACT, down·ACT → Y, in this order. */
#define TB_MTL_FFN_DISPATCHES 4
void tb_mtl_plan_ffn(const tb_geometry *g, const tb_record_layout *rec, int ffn, int bits, int tile_max,
                     tb_mtl_dispatch out[TB_MTL_FFN_DISPATCHES]);

/* ACT[i] = silu(GATE[i])·UP[i] for i < n. */
void tb_mtl_plan_swiglu(int n, tb_mtl_dispatch *out);

/* H[i] += SHARED[i], then H[i] += W[k]·YS[k][i] in routing order, for i < n. */
void tb_mtl_plan_combine(int n, int k, tb_mtl_dispatch *out);

#endif
