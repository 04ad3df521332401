/* metal_plan.c — builds the dispatches of metal_plan.h from the record layout and the
 * threadgroup shape in metal_args.h. Plain C, compiled on every platform: the macOS host
 * encodes these plans, the shim tests execute them. */
#include "metal_plan.h"

const char *const tb_mtl_kernel_names[TB_MK_COUNT] = {
  [TB_MK_QMV_Q2] = "tb_qmv_q2", [TB_MK_QMV_Q4] = "tb_qmv_q4", [TB_MK_QMV_Q8] = "tb_qmv_q8",
  [TB_MK_SWIGLU] = "tb_swiglu", [TB_MK_COMBINE] = "tb_combine",
};

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

static tb_mtl_bind bind(int role, int64_t offset, int64_t bytes) { return (tb_mtl_bind){ role, offset, bytes }; }

void tb_mtl_plan_qmv(const tb_part part[3], int rows, int cols, int bits, int group, int x_role,
                     int y_role, int tile_max, tb_mtl_dispatch *out) {
  int tile = (tile_max < cols ? tile_max : cols) / group * group;
  if (tile < group) tile = group;
  *out = (tb_mtl_dispatch){
    .kernel = bits == 2 ? TB_MK_QMV_Q2 : bits == 4 ? TB_MK_QMV_Q4 : TB_MK_QMV_Q8,
    .binds = 5,
    .bind = { bind(TB_MR_RECORD, part[0].offset, part[0].size),
              bind(TB_MR_RECORD, part[1].offset, part[1].size),
              bind(TB_MR_RECORD, part[2].offset, part[2].size),
              bind(x_role, 0, (int64_t)cols * 4), bind(y_role, 0, (int64_t)rows * 4) },
    .args.qmv = { .rows = rows, .cols = cols, .group = group, .tile = tile },
    .args_bytes = sizeof(tb_mtl_qmv_args),
    .groups = ceil_div(rows, TB_MTL_QMV_ROWS_PER_GROUP),
    .threads = TB_MTL_QMV_THREADS,
    .tg_bytes = ceil_div((tile + tile / group) * 4, 16) * 16,   /* x tile + its group sums */
  };
}

void tb_mtl_plan_ffn(const tb_geometry *g, const tb_record_layout *rec, int ffn, int bits, int tile_max,
                     tb_mtl_dispatch out[TB_MTL_FFN_DISPATCHES]) {
  tb_mtl_plan_qmv(&rec->part[TB_GATE_W], ffn, g->hidden, bits, g->group, TB_MR_X, TB_MR_GATE, tile_max, &out[0]);
  tb_mtl_plan_qmv(&rec->part[TB_UP_W], ffn, g->hidden, bits, g->group, TB_MR_X, TB_MR_UP, tile_max, &out[1]);
  tb_mtl_plan_swiglu(ffn, &out[2]);
  tb_mtl_plan_qmv(&rec->part[TB_DOWN_W], g->hidden, ffn, bits, g->group, TB_MR_ACT, TB_MR_Y, tile_max, &out[3]);
}

void tb_mtl_plan_swiglu(int n, tb_mtl_dispatch *out) {
  *out = (tb_mtl_dispatch){
    .kernel = TB_MK_SWIGLU,
    .binds = 3,
    .bind = { bind(TB_MR_GATE, 0, (int64_t)n * 4), bind(TB_MR_UP, 0, (int64_t)n * 4),
              bind(TB_MR_ACT, 0, (int64_t)n * 4) },
    .args.vec = { .n = n, .k = 0 },
    .args_bytes = sizeof(tb_mtl_vec_args),
    .groups = ceil_div(n, TB_MTL_VEC_THREADS),
    .threads = TB_MTL_VEC_THREADS,
  };
}

void tb_mtl_plan_combine(int n, int k, tb_mtl_dispatch *out) {
  *out = (tb_mtl_dispatch){
    .kernel = TB_MK_COMBINE,
    .binds = 4,
    .bind = { bind(TB_MR_H, 0, (int64_t)n * 4), bind(TB_MR_SHARED, 0, (int64_t)n * 4),
              bind(TB_MR_YS, 0, (int64_t)k * n * 4), bind(TB_MR_W, 0, (int64_t)k * 4) },
    .args.vec = { .n = n, .k = k },
    .args_bytes = sizeof(tb_mtl_vec_args),
    .groups = ceil_div(n, TB_MTL_VEC_THREADS),
    .threads = TB_MTL_VEC_THREADS,
  };
}
