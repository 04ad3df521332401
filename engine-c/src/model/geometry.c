/* geometry.c — model presets and the byte layout of an expert record (nine parts, in
 * Flash-MoE's order, each part's size from rows × cols × bits and the group size). */
#include "geometry.h"
#include "../util/common.h"
#include <string.h>

const char *const tb_part_names[TB_PARTS] = {
  "gate.weight", "gate.scales", "gate.biases",
  "up.weight", "up.scales", "up.biases",
  "down.weight", "down.scales", "down.biases",
};

/* Qwen3.5-397B-A17B as Flash-MoE packs it. dense_matrices: 5.5 GB of resident non-expert
 * weights over 60 layers ≈ 92 MB per layer = the 4-bit shared expert (7.1 MB) plus nine 4-bit
 * 4096×4096 matrices (9.4 MB each). */
const tb_preset tb_presets[] = {
  { "qwen3.5-397b-a17b",
    { .hidden = 4096, .ffn = 1024, .shared_ffn = 1024, .layers = 60, .experts = 512, .k = 4,
      .group = 64, .bits = 4, .dense_bits = 4, .dense_matrices = 9 },
    "Flash-MoE (Qwen3.5-397B-A17B packed_experts: 7,077,888 B/expert at 4-bit, "
    "3,932,160 at 2-bit; 5.5 GB resident non-expert weights)" },
  { "tiny",
    { .hidden = 256, .ffn = 64, .shared_ffn = 64, .layers = 2, .experts = 16, .k = 4,
      .group = 64, .bits = 4, .dense_bits = 4, .dense_matrices = 1 },
    "tierbench test geometry" },
};
const int tb_preset_count = TB_ARRAY_LEN(tb_presets);

const tb_preset *tb_preset_find(const char *name) {
  for (int i = 0; i < tb_preset_count; i++)
    if (strcmp(tb_presets[i].name, name) == 0) return &tb_presets[i];
  return NULL;
}

int64_t tb_qmatrix_bytes(int rows, int cols, int bits, int group) {
  return TB_MATRIX_BYTES((int64_t)rows, (int64_t)cols, (int64_t)bits, (int64_t)group);
}

static int bits_ok(int b) { return b == 2 || b == 4 || b == 8; }

int tb_geometry_validate(const tb_geometry *g) {
  if (g->hidden <= 0 || g->ffn <= 0 || g->layers <= 0 || g->experts <= 0)
    return tb_fail(TB_ERR_ARG, "geometry: hidden, ffn, layers and experts must be positive "
                   "(got hidden=%d ffn=%d layers=%d experts=%d)", g->hidden, g->ffn, g->layers, g->experts);
  if (g->shared_ffn < 0 || g->dense_matrices < 0)
    return tb_fail(TB_ERR_ARG, "geometry: shared_ffn and dense_matrices must be >= 0");
  if (g->k <= 0 || g->k > g->experts)
    return tb_fail(TB_ERR_ARG, "geometry: k=%d must be in 1..experts (%d)", g->k, g->experts);
  if (!bits_ok(g->bits) || !bits_ok(g->dense_bits))
    return tb_fail(TB_ERR_ARG, "geometry: bits=%d, dense_bits=%d: each must be 2, 4 or 8",
                   g->bits, g->dense_bits);
  if (g->group <= 0 || g->group % 32 != 0)
    return tb_fail(TB_ERR_ARG, "geometry: group=%d must be a positive multiple of 32", g->group);
  if (g->hidden % g->group || g->ffn % g->group || (g->shared_ffn && g->shared_ffn % g->group))
    return tb_fail(TB_ERR_ARG, "geometry: group=%d must divide hidden=%d, ffn=%d and shared_ffn=%d",
                   g->group, g->hidden, g->ffn, g->shared_ffn);
  return TB_OK;
}

void tb_record_layout_of(const tb_geometry *g, int ffn, int bits, tb_record_layout *out) {
  /* gate, up: ffn rows × hidden cols; down: hidden rows × ffn cols (record_parts.h) */
  const int64_t h = g->hidden, f = ffn, b = bits, gr = g->group;
  for (int p = 0; p < TB_PARTS; p++)
    out->part[p] = (tb_part){ TB_PART_OFFSET(p, h, f, b, gr), TB_PART_BYTES(p, h, f, b, gr) };
  out->size = TB_RECORD_BYTES(h, f, b, gr);
}
