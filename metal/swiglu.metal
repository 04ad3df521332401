// swiglu.metal — the SwiGLU between an expert's up-projections and its down-projection:
// act[i] = silu(gate[i])·up[i] = gate[i] / (1 + e^(−gate[i]))·up[i], one thread per element.
#include <metal_stdlib>
#include "metal_args.h"
using namespace metal;

// precise::exp, not the fast-math default, so the GPU's error stays within the tolerance the
// CPU kernel is held to; e^(−g) = inf for g ≪ 0 gives −0, not NaN, as on the CPU.
kernel void tb_swiglu(device const float *gate [[buffer(0)]],
                      device const float *up [[buffer(1)]],
                      device float *act [[buffer(2)]],
                      constant tb_mtl_vec_args &a [[buffer(3)]],
                      uint i [[thread_position_in_grid]]) {
  if (int(i) >= a.n) return;                               // the grid is rounded up to threadgroups
  const float g = gate[i];
  act[i] = g / (1.0f + precise::exp(-g)) * up[i];
}
