/* test_model_fill.c — synthetic weights keep activations sane: decoded with an independent
 * dequantizer, every group's weights are centred, and a matvec of a unit-RMS input gives an
 * output RMS near 1/√12, at every bit width, for experts, the shared expert and dense matrices. */
#include "test_model_util.h"
#include <math.h>

/* y = dequant(W)·x for one matrix laid out as weights, scales, biases (contiguous). */
static void matvec_ref(const uint8_t *base, int64_t w_off, int64_t s_off, int64_t b_off,
                       int rows, int cols, int bits, int group, const float *x, float *y,
                       double *mean_w) {
  const uint32_t *w = (const uint32_t *)(base + w_off);
  const uint16_t *s = (const uint16_t *)(base + s_off), *b = (const uint16_t *)(base + b_off);
  const int words_per_row = cols * bits / 32, mask = (1 << bits) - 1;
  double sum_w = 0;
  for (int r = 0; r < rows; r++) {
    double acc = 0;
    for (int c = 0; c < cols; c++) {
      uint32_t word = w[(int64_t)r * words_per_row + c * bits / 32];
      int q = (int)(word >> (c * bits % 32)) & mask;
      int gi = r * (cols / group) + c / group;
      double wv = tb_bf16_to_f32(s[gi]) * q + tb_bf16_to_f32(b[gi]);
      sum_w += wv;
      acc += wv * x[c];
    }
    y[r] = (float)acc;
  }
  *mean_w = sum_w / ((double)rows * cols);
}

static double rms(const float *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += (double)v[i] * v[i];
  return sqrt(s / n);
}

/* Checks one matrix: output RMS for a ±1 input within [0.2, 0.4] (ideal 0.289), mean weight
 * small against the weight RMS (≈ 1/√(12·cols)), scales positive, biases = −scale·(L−1)/2. */
static void check_matrix(const char *what, const uint8_t *base, int64_t w_off, int64_t s_off,
                         int64_t b_off, int rows, int cols, int bits, int group) {
  float *x = malloc(sizeof(float) * cols), *y = malloc(sizeof(float) * rows);
  tb_rng r;
  tb_rng_seed(&r, 1234);
  for (int c = 0; c < cols; c++) x[c] = (tb_rng_next(&r) & 1) ? 1.0f : -1.0f;
  double mean_w;
  matvec_ref(base, w_off, s_off, b_off, rows, cols, bits, group, x, y, &mean_w);
  double out = rms(y, rows), w_rms = 1.0 / sqrt(12.0 * cols);
  TB_CHECK(out > 0.2 && out < 0.4, "%s, %d-bit: output RMS %.3f, expected ≈ 0.289", what, bits, out);
  TB_CHECK(fabs(mean_w) < 0.1 * w_rms, "%s, %d-bit: mean weight %.2e vs RMS %.2e", what, bits,
           mean_w, w_rms);
  const uint16_t *s = (const uint16_t *)(base + s_off), *b = (const uint16_t *)(base + b_off);
  const double half = ((1 << bits) - 1) / 2.0;
  for (int gi = 0; gi < rows * (cols / group); gi++) {
    double sv = tb_bf16_to_f32(s[gi]), bv = tb_bf16_to_f32(b[gi]);
    double base_scale = 1.0 / ((1 << bits) * sqrt((double)cols));
    if (!(sv >= 0.74 * base_scale && sv <= 1.26 * base_scale) || fabs(bv + sv * half) > 0.01 * sv * half) {
      TB_CHECK(0, "%s, %d-bit: group %d scale %g bias %g", what, bits, gi, sv, bv);
      break;
    }
  }
  free(x);
  free(y);
}

TB_TEST(model_fill_weights_keep_activations_sane) {
  static const int all_bits[] = { 2, 4, 8 };
  for (int i = 0; i < 3; i++) {
    tb_geometry g = tiny_geometry(all_bits[i]);
    g.dense_bits = all_bits[i];
    tb_record_layout rec;
    tb_record_layout_of(&g, g.ffn, g.bits, &rec);
    uint8_t *buf = malloc((size_t)rec.size);
    tb_fill_expert_record(&g, &rec, 8, 1, 9, buf);
    const int rows[3] = { g.ffn, g.ffn, g.hidden }, cols[3] = { g.hidden, g.hidden, g.ffn };
    const char *names[3] = { "gate", "up", "down" };
    for (int m = 0; m < 3; m++)
      check_matrix(names[m], buf, rec.part[3 * m].offset, rec.part[3 * m + 1].offset,
                   rec.part[3 * m + 2].offset, rows[m], cols[m], g.bits, g.group);
    free(buf);

    int64_t stride = tb_model_resident_layer_stride(&g);
    uint8_t *layer = malloc((size_t)stride);
    tb_fill_resident_layer(&g, 8, 0, layer);
    tb_record_layout shared;
    tb_record_layout_of(&g, g.shared_ffn, g.dense_bits, &shared);
    check_matrix("shared down", layer, shared.part[TB_DOWN_W].offset, shared.part[TB_DOWN_S].offset,
                 shared.part[TB_DOWN_B].offset, g.hidden, g.shared_ffn, g.dense_bits, g.group);
    tb_part p[3];
    tb_dense_matrix_layout(&g, p);
    int64_t d = tb_model_dense_matrix_offset(&g, 0);
    check_matrix("dense", layer, d + p[0].offset, d + p[1].offset, d + p[2].offset,
                 g.hidden, g.hidden, g.dense_bits, g.group);
    /* resident content comes from its own stream: the shared expert is not expert 0's bytes */
    uint8_t *e0 = malloc((size_t)shared.size);
    tb_fill_expert_record(&g, &shared, 8, 0, 0, e0);
    TB_CHECK(memcmp(e0, layer, (size_t)shared.size) != 0, "shared expert equals routed expert 0");
    /* padding after each piece is zero */
    int64_t end = p[2].offset + p[2].size;
    for (int64_t o = d + end; o < stride; o++)
      if (layer[o]) { TB_CHECK(0, "padding byte %lld is %d", (long long)o, layer[o]); break; }
    free(e0);
    free(layer);
  }
}
