// combine.metal — the end of a layer's expert block: h[i] += shared[i], then
// h[i] += w[k]·y[k][i] for k in routing order (fixed order: the result does not depend on
// which expert finished first), one thread per element; the same steps as the CPU's.
#include <metal_stdlib>
#include "metal_args.h"
using namespace metal;

kernel void tb_combine(device float *h [[buffer(0)]],                 // [n] hidden state, in/out
                       device const float *shared [[buffer(1)]],      // [n] shared expert output
                       device const float *y [[buffer(2)]],           // [k][n] routed outputs
                       device const float *w [[buffer(3)]],           // [k] routing weights
                       constant tb_mtl_vec_args &a [[buffer(4)]],
                       uint i [[thread_position_in_grid]]) {
  if (int(i) >= a.n) return;                               // the grid is rounded up to threadgroups
  float acc = h[i] + shared[i];
  for (int k = 0; k < a.k; k++) acc += w[k] * y[k * a.n + int(i)];
  h[i] = acc;
}
