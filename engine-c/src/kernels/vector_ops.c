/* vector_ops.c — the small element-wise steps around the matvecs: RMS norm, SwiGLU and the
 * weighted combine of expert outputs. Each element is computed in a fixed order, so results
 * are reproducible; none of these allocate. */
#include "kernels.h"
#include <math.h>

void tb_rmsnorm(float *out, const float *x, int n, float eps) {
  double sum_sq = 0.0;          /* double: n up to ~10^4 squares without visible rounding */
  for (int i = 0; i < n; i++) sum_sq += (double)x[i] * x[i];
  float scale = (float)(1.0 / sqrt(sum_sq / n + eps));
  for (int i = 0; i < n; i++) out[i] = x[i] * scale;
}

void tb_swiglu(float *h, const float *gate, const float *up, int n) {
  for (int i = 0; i < n; i++) {
    float g = gate[i];
    h[i] = g / (1.0f + expf(-g)) * up[i];   /* silu(g)·up; expf(-g)=inf gives -0, not NaN */
  }
}

void tb_combine(float *h, const float *const *y, const float *w, int k, int n) {
  for (int i = 0; i < n; i++) {
    float acc = h[i];
    for (int j = 0; j < k; j++) acc += w[j] * y[j][i];   /* routing order */
    h[i] = acc;
  }
}
