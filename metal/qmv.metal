// qmv.metal — dequantize + matvec over MLX affine groups (w = scale·q + bias, bf16 scale and
// bias per group, uint32 words of 32/bits values, lowest bits first) for 2, 4 and 8 bits:
// y = W·x, with the bias of each group factored out: Σ(s·q+b)·x = s·Σq·x + b·Σx.
#include <metal_stdlib>
#include "metal_args.h"
using namespace metal;

// [[threadgroup(i)]] through a macro only because the shim (C++) must define the address space
// `threadgroup` away, which would also empty this attribute's name; the shim defines it empty.
#ifndef TB_THREADGROUP_ATTR
#define TB_THREADGROUP_ATTR(i) [[threadgroup(i)]]
#endif

inline float tb_bf16(ushort h) { return as_type<float>(uint(h) << 16); }

// Values 4i .. 4i+3 of a packed word, as floats.
template <int BITS>
inline float4 tb_unpack4(uint word, int i) {
  const uint mask = (1u << BITS) - 1u;
  const int sh = 4 * BITS * i;
  return float4(float((word >> sh) & mask), float((word >> (sh + BITS)) & mask),
                float((word >> (sh + 2 * BITS)) & mask), float((word >> (sh + 3 * BITS)) & mask));
}

// One threadgroup = TB_MTL_QMV_SIMDGROUPS SIMD groups × TB_MTL_QMV_ROWS rows each. x is
// staged tile by tile in threadgroup memory, xs[0, tile) with the tile's per-group sums in
// xs[tile, tile + tile/group); lane j of a SIMD group takes words j, j+32, … of a row (so a
// SIMD group reads 128 consecutive bytes per step), and simd_sum adds the 32 lane sums.
template <int BITS>
inline void tb_qmv(device const uint *w, device const ushort *scales, device const ushort *biases,
                   device const float *x, device float *y, constant tb_mtl_qmv_args &a,
                   threadgroup float *xs, uint tgid, uint lid, uint sg, uint lane) {
  constexpr int PER_WORD = 32 / BITS;                      // values per word
  const int words_per_group = a.group / PER_WORD;
  const int words_per_row = TB_WORDS_PER_ROW(a.cols, BITS);
  const int groups_per_row = TB_GROUPS_PER_ROW(a.cols, a.group);
  threadgroup float *xsum = xs + a.tile;                   // [tile/group]
  const int row0 = (int(tgid) * TB_MTL_QMV_SIMDGROUPS + int(sg)) * TB_MTL_QMV_ROWS;
  float acc[TB_MTL_QMV_ROWS] = {};

  for (int c0 = 0; c0 < a.cols; c0 += a.tile) {
    const int n = min(a.tile, a.cols - c0);                // columns this pass: groups of x
    const int ng = n / a.group;
    if (c0 > 0) threadgroup_barrier(mem_flags::mem_threadgroup);   // previous tile fully read
    for (int i = int(lid); i < n; i += TB_MTL_QMV_THREADS) xs[i] = x[c0 + i];
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int g = int(lid); g < ng; g += TB_MTL_QMV_THREADS) {
      float s = 0.0f;
      for (int i = 0; i < a.group; i++) s += xs[g * a.group + i];
      xsum[g] = s;
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);

    const int nw = n / PER_WORD, w0 = c0 / PER_WORD, g0 = c0 / a.group;
    for (int r = 0; r < TB_MTL_QMV_ROWS; r++) {
      const int row = row0 + r;
      if (row >= a.rows) break;                            // uniform across the SIMD group
      device const uint *wr = w + row * words_per_row + w0;
      device const ushort *sr = scales + row * groups_per_row + g0;
      device const ushort *br = biases + row * groups_per_row + g0;
      float sum = 0.0f;
      for (int j = int(lane); j < nw; j += TB_MTL_SIMD_WIDTH) {
        const uint word = wr[j];
        threadgroup const float4 *x4 = (threadgroup const float4 *)(xs + j * PER_WORD);
        float d = 0.0f;                                    // Σ q·x over the word's values
        for (int i = 0; i < PER_WORD / 4; i++) d += dot(tb_unpack4<BITS>(word, i), x4[i]);
        sum += tb_bf16(sr[j / words_per_group]) * d;
      }
      for (int g = int(lane); g < ng; g += TB_MTL_SIMD_WIDTH) sum += tb_bf16(br[g]) * xsum[g];
      acc[r] += sum;
    }
  }

  for (int r = 0; r < TB_MTL_QMV_ROWS; r++) {
    const int row = row0 + r;
    if (row >= a.rows) break;                              // uniform across the SIMD group
    const float total = simd_sum(acc[r]);
    if (lane == 0) y[row] = total;
  }
}

// The three kernels share one parameter list; buffer i is parameter i (checked against the
// host's plan by test_metal_shim_source.cpp).
#define TB_QMV_PARAMS                                                                           \
  device const uint *w [[buffer(0)]], device const ushort *scales [[buffer(1)]],                \
  device const ushort *biases [[buffer(2)]], device const float *x [[buffer(3)]],               \
  device float *y [[buffer(4)]], constant tb_mtl_qmv_args &a [[buffer(5)]],                     \
  threadgroup float *xs TB_THREADGROUP_ATTR(0), uint tgid [[threadgroup_position_in_grid]],     \
  uint lid [[thread_position_in_threadgroup]], uint sg [[simdgroup_index_in_threadgroup]],      \
  uint lane [[thread_index_in_simdgroup]]
#define TB_QMV_ARGS w, scales, biases, x, y, a, xs, tgid, lid, sg, lane

kernel void tb_qmv_q2(TB_QMV_PARAMS) { tb_qmv<2>(TB_QMV_ARGS); }
kernel void tb_qmv_q4(TB_QMV_PARAMS) { tb_qmv<4>(TB_QMV_ARGS); }
kernel void tb_qmv_q8(TB_QMV_PARAMS) { tb_qmv<8>(TB_QMV_ARGS); }
