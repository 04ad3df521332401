/* fill.c — deterministic synthetic weights. Every expert record, shared expert and dense
 * matrix has its own random stream keyed by (seed, kind, layer, index), so content is
 * independent of thread count and write order. q is uniform over all levels; per group
 * scale ≈ 1/(levels·√cols)·[0.75, 1.25) and bias = −scale·(levels−1)/2, so weights are centred
 * and a matvec maps inputs of RMS x to outputs of RMS ≈ x/√12: activations stay finite over
 * any number of layers. Float steps are single multiplications of exact operands, so the
 * bytes are the same on every IEEE platform (no contraction into FMA can change them). */
#include "fill.h"
#include "model.h"
#include "../util/common.h"
#include <math.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tierbench model files are little-endian; a big-endian port needs byte swaps here"
#endif

enum { STREAM_EXPERT = 1, STREAM_SHARED = 2, STREAM_DENSE = 3 };

static void stream_seed(tb_rng *r, uint64_t seed, uint64_t kind, int layer, int index) {
  uint64_t key[4] = { seed, kind, (uint64_t)layer, (uint64_t)index };
  tb_rng_seed(r, tb_fnv1a(TB_FNV_INIT, key, sizeof key));
}

/* One rows×cols matrix: weights (rows·cols·bits/8 bytes, a multiple of 8 since cols is a
 * multiple of 32), then bf16 scales and biases [rows][cols/group]. */
static void fill_qmatrix(tb_rng *r, int rows, int cols, int bits, int group,
                         uint8_t *w, uint8_t *scales, uint8_t *biases) {
  int64_t wbytes = (int64_t)rows * cols * bits / 8;
  for (int64_t i = 0; i < wbytes; i += 8) {
    uint64_t v = tb_rng_next(r);
    memcpy(w + i, &v, 8);
  }
  const int levels = 1 << bits;
  const float base = 1.0f / ((float)levels * sqrtf((float)cols));
  const float half = (float)(levels - 1) * 0.5f;          /* exact */
  const int64_t groups = (int64_t)rows * (cols / group);
  uint64_t pool = 0;       /* four 16-bit jitters per random word */
  int left = 0;
  for (int64_t gi = 0; gi < groups; gi++) {
    if (!left) { pool = tb_rng_next(r); left = 4; }
    uint32_t j = (uint32_t)(pool & 0xffff);
    pool >>= 16;
    left--;
    float jitter = (float)(49152u + (j >> 1)) * (1.0f / 65536.0f);  /* [0.75, 1.25), exact */
    float scale = base * jitter;
    float bias = -(scale * half);
    uint16_t s16 = tb_f32_to_bf16(scale), b16 = tb_f32_to_bf16(bias);
    memcpy(scales + 2 * gi, &s16, 2);
    memcpy(biases + 2 * gi, &b16, 2);
  }
}

/* A record: gate and up are ffn×hidden, down is hidden×ffn (tb_record_layout_of). */
static void fill_record(const tb_geometry *g, const tb_record_layout *rec, int ffn, int bits,
                        tb_rng *r, uint8_t *dst) {
  const int rows[3] = { ffn, ffn, g->hidden };
  const int cols[3] = { g->hidden, g->hidden, ffn };
  for (int m = 0; m < 3; m++)
    fill_qmatrix(r, rows[m], cols[m], bits, g->group, dst + rec->part[3 * m].offset,
                 dst + rec->part[3 * m + 1].offset, dst + rec->part[3 * m + 2].offset);
}

void tb_fill_expert_record(const tb_geometry *g, const tb_record_layout *rec, uint64_t seed,
                           int layer, int expert, uint8_t *dst) {
  tb_rng r;
  stream_seed(&r, seed, STREAM_EXPERT, layer, expert);
  fill_record(g, rec, g->ffn, g->bits, &r, dst);
}

int tb_resident_piece_count(const tb_geometry *g) {
  return (g->shared_ffn ? 1 : 0) + g->dense_matrices;
}

void tb_resident_piece(const tb_geometry *g, int piece, int64_t *offset, int64_t *size) {
  int first_dense = g->shared_ffn ? 1 : 0;
  if (piece < first_dense) {
    *offset = 0;
    *size = tb_model_dense_matrix_offset(g, 0);
  } else {
    *offset = tb_model_dense_matrix_offset(g, piece - first_dense);
    *size = tb_model_dense_matrix_stride(g);
  }
}

void tb_fill_resident_piece(const tb_geometry *g, uint64_t seed, int layer, int piece, uint8_t *dst) {
  int64_t offset, size;
  tb_resident_piece(g, piece, &offset, &size);
  int64_t used;
  tb_rng r;
  if (g->shared_ffn && piece == 0) {
    tb_record_layout rec;
    tb_record_layout_of(g, g->shared_ffn, g->dense_bits, &rec);
    stream_seed(&r, seed, STREAM_SHARED, layer, 0);
    fill_record(g, &rec, g->shared_ffn, g->dense_bits, &r, dst);
    used = rec.size;
  } else {
    int j = piece - (g->shared_ffn ? 1 : 0);
    tb_part p[3];
    tb_dense_matrix_layout(g, p);
    stream_seed(&r, seed, STREAM_DENSE, layer, j);
    fill_qmatrix(&r, g->hidden, g->hidden, g->dense_bits, g->group,
                 dst + p[0].offset, dst + p[1].offset, dst + p[2].offset);
    used = p[2].offset + p[2].size;
  }
  memset(dst + used, 0, (size_t)(size - used));   /* alignment padding */
}

void tb_fill_resident_layer(const tb_geometry *g, uint64_t seed, int layer, uint8_t *dst) {
  for (int p = 0; p < tb_resident_piece_count(g); p++) {
    int64_t offset, size;
    tb_resident_piece(g, p, &offset, &size);
    tb_fill_resident_piece(g, seed, layer, p, dst + offset);
  }
}
