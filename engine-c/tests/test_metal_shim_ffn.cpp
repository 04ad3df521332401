// test_metal_shim_ffn.cpp — the rest of the Metal expert block run on the CPU through the
// shim: SwiGLU (metal/swiglu.metal), the weighted combine + residual (metal/combine.metal), and
// one expert's FFN as the host encodes it (tb_mtl_plan_ffn: four dispatches on a record) for
// 2, 4 and 8 bits, each stage checked against the scalar reference (metal_check.h).
#include "metal_shim_exec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

extern "C" {
#include "metal_check.h"
}

namespace {

// Runs `d`, failing the test with the shim's message if the dispatch itself fails.
void run(const tb_mtl_dispatch &d, const tb_shim_buffer roles[TB_MR_COUNT], const char *what) {
  std::string err = tb_shim_run(d, roles);
  TB_CHECK(err.empty(), "%s %s: %s", what, tb_mtl_kernel_names[d.kernel], err.c_str());
}

// A vector of n floats followed by `canary` NaNs; ok_tail() says they are untouched.
struct guarded {
  std::vector<float> v;
  int n;
  guarded(int n_, int canary, float fill = NAN) : v(n_ + canary, NAN), n(n_) {
    std::fill(v.begin(), v.begin() + n_, fill);
  }
  bool ok_tail() const {
    for (size_t i = n; i < v.size(); i++)
      if (!std::isnan(v[i])) return false;
    return true;
  }
  tb_shim_buffer role() { return { v.data(), (int64_t)n * 4 }; }
};

}  // namespace

// 300 and 1000 elements: the last threadgroup of 256 is partly empty; gate spans [-30, 30] so
// that e^(−g) both underflows and becomes large.
TB_TEST(metal_shim_swiglu_matches_formula) {
  tb_rng rng;
  tb_rng_seed(&rng, 1620);
  for (int n : { 1, 300, 1000 }) {
    guarded gate(n, 0, 0.0f), up(n, 0, 0.0f), act(n, TB_MTL_VEC_THREADS);
    for (int i = 0; i < n; i++) {
      gate.v[i] = (float)(60.0 * tb_rng_uniform(&rng) - 30.0);
      up.v[i] = (float)(4.0 * tb_rng_uniform(&rng) - 2.0);
    }
    gate.v[0] = -200.0f;   // e^200 overflows: −0 or a tiny value, never NaN
    tb_mtl_dispatch d;
    tb_mtl_plan_swiglu(n, &d);
    tb_shim_buffer roles[TB_MR_COUNT] = {};
    roles[TB_MR_GATE] = gate.role();
    roles[TB_MR_UP] = up.role();
    roles[TB_MR_ACT] = act.role();
    run(d, roles, "swiglu");
    mcheck_swiglu(gate.v.data(), up.v.data(), act.v.data(), n, "shim");
    TB_CHECK(act.ok_tail(), "swiglu n=%d wrote past act[%d]", n, n - 1);
  }
}

// k = 1, 4, 10 over n = 513 (not a multiple of 256).
TB_TEST(metal_shim_combine_matches_formula) {
  tb_rng rng;
  tb_rng_seed(&rng, 1621);
  const int n = 513;
  for (int k : { 1, 4, 10 }) {
    guarded h(n, TB_MTL_VEC_THREADS, 0.0f), shared(n, 0, 0.0f), ys(k * n, 0, 0.0f), w(k, 0, 0.0f);
    kfix_random_vec(&rng, h.v.data(), n);
    kfix_random_vec(&rng, shared.v.data(), n);
    kfix_random_vec(&rng, ys.v.data(), k * n);
    kfix_random_vec(&rng, w.v.data(), k);
    std::vector<float> h0(h.v.begin(), h.v.begin() + n);
    tb_mtl_dispatch d;
    tb_mtl_plan_combine(n, k, &d);
    tb_shim_buffer roles[TB_MR_COUNT] = {};
    roles[TB_MR_H] = h.role();
    roles[TB_MR_SHARED] = shared.role();
    roles[TB_MR_YS] = ys.role();
    roles[TB_MR_W] = w.role();
    run(d, roles, "combine");
    mcheck_combine(h0.data(), shared.v.data(), ys.v.data(), w.v.data(), k, n, h.v.data(), "shim");
    TB_CHECK(h.ok_tail(), "combine k=%d wrote past h[%d]", k, n - 1);
  }
}

namespace {

// Geometries whose sizes are not multiples of a threadgroup's 16 rows or 256 elements:
// hidden 320 (20 threadgroups of down rows), ffn 96 or 192 (6 or 12; SwiGLU's one threadgroup
// part empty), groups of 32 and 64, and a staging tile below hidden (passes of 128, 128, 64).
struct ffn_case {
  int hidden, ffn, group, tile_max;
};
const ffn_case kCases[] = {
  { 320, 96, 32, TB_MTL_X_TILE_MAX },
  { 320, 192, 64, 128 },
};

void check_ffn(int bits) {
  tb_rng rng;
  tb_rng_seed(&rng, 1630 + bits);
  for (const ffn_case &fc : kCases) {
    tb_geometry g = { .hidden = fc.hidden, .ffn = fc.ffn, .shared_ffn = 0, .layers = 1, .experts = 1, .k = 1,
                      .group = fc.group, .bits = bits, .dense_bits = bits, .dense_matrices = 0 };
    TB_CHECK_OK(tb_geometry_validate(&g));
    tb_record_layout rec;
    tb_record_layout_of(&g, fc.ffn, bits, &rec);
    std::vector<uint8_t> record(rec.size);
    for (int which = 0; which < 3; which++) {
      tb_qmat m;
      tb_qmat_from_record(record.data(), &rec, &g, fc.ffn, bits, which, &m);
      kfix_fill_parts(&rng, (uint32_t *)m.w, (uint16_t *)m.scales, (uint16_t *)m.biases, m.rows, m.cols, bits,
                      g.group);
    }
    guarded x(fc.hidden, 0, 0.0f), gate(fc.ffn, 8), up(fc.ffn, 8), act(fc.ffn, 8),
        y(fc.hidden, TB_MTL_QMV_ROWS_PER_GROUP);
    kfix_random_vec(&rng, x.v.data(), fc.hidden);
    tb_shim_buffer roles[TB_MR_COUNT] = {};
    roles[TB_MR_RECORD] = { record.data(), (int64_t)record.size() };
    roles[TB_MR_X] = x.role();
    roles[TB_MR_GATE] = gate.role();
    roles[TB_MR_UP] = up.role();
    roles[TB_MR_ACT] = act.role();
    roles[TB_MR_Y] = y.role();
    tb_mtl_dispatch d[TB_MTL_FFN_DISPATCHES];
    tb_mtl_plan_ffn(&g, &rec, fc.ffn, bits, fc.tile_max, d);
    for (const tb_mtl_dispatch &di : d) run(di, roles, "ffn");
    char what[64];
    std::snprintf(what, sizeof what, "ffn h%d f%d g%d", fc.hidden, fc.ffn, fc.group);
    mcheck_ffn(&g, &rec, fc.ffn, bits, record.data(), x.v.data(), gate.v.data(), up.v.data(), act.v.data(),
               y.v.data(), fc.tile_max, what);
    TB_CHECK(gate.ok_tail() && up.ok_tail() && act.ok_tail() && y.ok_tail(), "%s: a write past a vector", what);
  }
}

}  // namespace

TB_TEST(metal_shim_ffn_q2_matches_reference) { check_ffn(2); }
TB_TEST(metal_shim_ffn_q4_matches_reference) { check_ffn(4); }
TB_TEST(metal_shim_ffn_q8_matches_reference) { check_ffn(8); }
