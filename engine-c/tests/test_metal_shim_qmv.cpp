// test_metal_shim_qmv.cpp — the Metal dequantize+matvec (metal/qmv.metal), run on the CPU
// through the shim, against the scalar reference for 2, 4 and 8 bits: random data on shapes
// that are not multiples of the threadgroup's rows or of the 32 lanes' words, several staging
// passes, and integer-valued data on which every float operation is exact.
#include "metal_shim_exec.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" {
#include "metal_check.h"
#include "../src/kernels/variants.h"
}

namespace {

struct shape {
  int rows, cols, group, tile_max;
  const char *why;
};

// rows: 1, and counts that leave the last threadgroup (16 rows) or SIMD group (4 rows) part
// empty; cols: word counts that leave lanes idle (8-bit, 320 cols: 80 words = 2.5 per lane);
// tile_max below cols: several staging passes, the last one short.
const shape kShapes[] = {
  { 1, 32, 32, TB_MTL_X_TILE_MAX, "one row, one group" },
  { 37, 320, 64, TB_MTL_X_TILE_MAX, "37 rows: 3 threadgroups, the last with 5 rows" },
  { 100, 640, 32, 96, "7 passes of 96 columns, the last 64" },
  { 18, 768, 128, 256, "3 passes, group 128" },
  { 5, 4608, 128, TB_MTL_X_TILE_MAX, "a full 4096-column tile, then 512" },
};

const int kBits[] = { 2, 4, 8 };

// y[rows] with NaN canaries after it: rows that are never written stay NaN, a write past the
// end changes a canary.
constexpr int kCanary = TB_MTL_QMV_ROWS_PER_GROUP;   // a whole threadgroup's rows

struct qmv_case {
  kfix_qmat q;
  std::vector<float> x, y, ref;
  tb_mtl_dispatch d;
};

// A random matrix whose weight, scales and biases are laid out as one record's three parts.
void run_case(qmv_case &c, const shape &s, int bits, std::vector<uint8_t> &record) {
  tb_part part[3];
  const int64_t w = TB_WEIGHT_BYTES((int64_t)s.rows, s.cols, bits);
  const int64_t g = TB_GROUP_BYTES((int64_t)s.rows, s.cols, s.group);
  part[0] = { 0, w };
  part[1] = { w, g };
  part[2] = { w + g, g };
  record.assign(w + 2 * g, 0);
  std::memcpy(record.data(), c.q.w, w);
  std::memcpy(record.data() + w, c.q.scales, g);
  std::memcpy(record.data() + w + g, c.q.biases, g);
  c.y.assign(s.rows + kCanary, NAN);
  tb_mtl_plan_qmv(part, s.rows, s.cols, bits, s.group, TB_MR_X, TB_MR_Y, s.tile_max, &c.d);
  tb_shim_buffer roles[TB_MR_COUNT] = {};
  roles[TB_MR_RECORD] = { record.data(), (int64_t)record.size() };
  roles[TB_MR_X] = { c.x.data(), (int64_t)c.x.size() * 4 };
  roles[TB_MR_Y] = { c.y.data(), (int64_t)s.rows * 4 };
  std::string err = tb_shim_run(c.d, roles);
  TB_CHECK(err.empty(), "q%d %dx%d g%d: %s", bits, s.rows, s.cols, s.group, err.c_str());
  for (int i = 0; i < kCanary; i++)
    TB_CHECK(std::isnan(c.y[s.rows + i]), "q%d %dx%d: wrote past y[%d]", bits, s.rows, s.cols, s.rows - 1);
  c.ref.assign(s.rows, 0.0f);
  const tb_kernel_variant *scalar = &tb_kernel_variants[TB_KV_SCALAR];
  scalar->fn[bits](&c.q.m, c.x.data(), c.ref.data(), 0, s.rows);
}

void check_random(int bits) {
  tb_rng rng;
  tb_rng_seed(&rng, 1600 + bits);
  for (const shape &s : kShapes) {
    qmv_case c;
    kfix_qmat_random(&c.q, &rng, s.rows, s.cols, bits, s.group);
    c.x.resize(s.cols);
    kfix_random_vec(&rng, c.x.data(), s.cols);
    std::vector<uint8_t> record;
    run_case(c, s, bits, record);
    mcheck_qmv(&c.q.m, c.x.data(), c.y.data(), c.d.args.qmv.tile, s.why);
    kfix_qmat_free(&c.q);
  }
}

// Scales ½ or 1, integer biases, x in quarters within [−1, 1]: every product and partial sum
// (in any order) is a multiple of 2^-3 of magnitude below 2^21 (at most 4608 columns × 255 ×
// 1 ≈ 1.2·10^6, plus the bias terms), so float arithmetic is exact and the GPU result must
// equal the scalar reference bit for bit. Any wrong word, lane, group, scale, bias or tile
// offset changes it.
void check_exact(int bits) {
  tb_rng rng;
  tb_rng_seed(&rng, 1610 + bits);
  for (const shape &s : kShapes) {
    qmv_case c;
    kfix_qmat_random(&c.q, &rng, s.rows, s.cols, bits, s.group);
    const int groups = s.rows * (s.cols / s.group);
    for (int i = 0; i < groups; i++) {
      c.q.scales[i] = tb_f32_to_bf16(std::ldexp(1.0f, -(int)(tb_rng_next(&rng) % 2)));   // 1, ½
      c.q.biases[i] = tb_f32_to_bf16((float)((int)(tb_rng_next(&rng) % 17) - 8));         // −8 … 8
    }
    c.x.resize(s.cols);
    for (int i = 0; i < s.cols; i++) c.x[i] = (float)((int)(tb_rng_next(&rng) % 9) - 4) * 0.25f;
    std::vector<uint8_t> record;
    run_case(c, s, bits, record);
    for (int r = 0; r < s.rows; r++)
      TB_CHECK(c.y[r] == c.ref[r], "q%d %s, exact data: y[%d] = %.9g, scalar reference %.9g", bits, s.why, r,
               c.y[r], c.ref[r]);
    kfix_qmat_free(&c.q);
  }
}

}  // namespace

TB_TEST(metal_shim_qmv_q2_matches_reference) { check_random(2); }
TB_TEST(metal_shim_qmv_q4_matches_reference) { check_random(4); }
TB_TEST(metal_shim_qmv_q8_matches_reference) { check_random(8); }
TB_TEST(metal_shim_qmv_q2_exact_on_integer_data) { check_exact(2); }
TB_TEST(metal_shim_qmv_q4_exact_on_integer_data) { check_exact(4); }
TB_TEST(metal_shim_qmv_q8_exact_on_integer_data) { check_exact(8); }
