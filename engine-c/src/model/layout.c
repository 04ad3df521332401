/* layout.c — where things are in a model directory: layer file names, file sizes and the
 * offsets of the shared expert and dense matrices inside resident.bin (see model.h). */
#include "model.h"
#include "../util/common.h"
#include <stdio.h>

static int64_t align_up(int64_t x) { return (x + TB_ALIGN - 1) / TB_ALIGN * TB_ALIGN; }

void tb_layer_file_name(int layer, char *out, int n) { snprintf(out, n, "layer_%02d.bin", layer); }

static int64_t shared_bytes(const tb_geometry *g) {
  if (g->shared_ffn == 0) return 0;
  tb_record_layout rec;
  tb_record_layout_of(g, g->shared_ffn, g->dense_bits, &rec);
  return align_up(rec.size);
}

int64_t tb_model_dense_matrix_stride(const tb_geometry *g) {
  return align_up(tb_qmatrix_bytes(g->hidden, g->hidden, g->dense_bits, g->group));
}

int64_t tb_model_dense_matrix_offset(const tb_geometry *g, int j) {
  return shared_bytes(g) + (int64_t)j * tb_model_dense_matrix_stride(g);
}

int64_t tb_model_resident_layer_stride(const tb_geometry *g) {
  return tb_model_dense_matrix_offset(g, g->dense_matrices);
}

int64_t tb_model_layer_file_size(const tb_geometry *g) {
  tb_record_layout rec;
  tb_record_layout_of(g, g->ffn, g->bits, &rec);
  return (int64_t)g->experts * rec.size;
}

int64_t tb_model_resident_size(const tb_geometry *g) {
  return (int64_t)g->layers * tb_model_resident_layer_stride(g);
}

void tb_dense_matrix_layout(const tb_geometry *g, tb_part out[3]) {
  int64_t w = (int64_t)g->hidden * g->hidden * g->dense_bits / 8;
  int64_t s = (int64_t)g->hidden * (g->hidden / g->group) * 2;   /* bf16 per group */
  out[0] = (tb_part){ 0, w };
  out[1] = (tb_part){ w, s };
  out[2] = (tb_part){ w + s, s };
}
