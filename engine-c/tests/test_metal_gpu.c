/* test_metal_gpu.c — macOS only (TB_HAVE_METAL): the Metal backend on the real GPU, held to the
 * shim tests' criteria (metal_check.h): one expert FFN per bit width through the backend's
 * ffn/finish, checked stage by stage, the combine, and the refusal of memory the GPU cannot see.
 * The GPU-vs-reference step of the release check (metal/README.md); needs `make metal`. */
#include "metal_check.h"

#ifdef TB_HAVE_METAL
#include "../src/backend/backend.h"
#include "../src/backend/metal_plan.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The preset's expert (hidden 4096, ffn 1024, group 64) and an odd one (rows and columns not
 * multiples of a threadgroup's). */
static const tb_geometry kGeometries[] = {
  { .hidden = 4096, .ffn = 1024, .shared_ffn = 0, .layers = 1, .experts = 1, .k = 1, .group = 64,
    .bits = 4, .dense_bits = 4, .dense_matrices = 0 },
  { .hidden = 320, .ffn = 96, .shared_ffn = 0, .layers = 1, .experts = 1, .k = 1, .group = 32,
    .bits = 4, .dense_bits = 4, .dense_matrices = 0 },
};

static tb_backend *open_metal(const tb_geometry *g, int64_t max_record) {
  tb_backend *b = NULL;
  TB_CHECK_OK(tb_backend_open("metal", 1, &b));
  if (!b) return NULL;
  const tb_backend_setup su = { g, 1, max_record, NULL, 0 };
  TB_CHECK_OK(b->ops->setup(b, &su));
  return b;
}

static float *nan_floats(tb_backend *b, int n) {
  float *p = tb_backend_alloc(b, (size_t)n * sizeof *p);
  if (p) for (int i = 0; i < n; i++) p[i] = NAN;
  return p;
}

static void gpu_ffn(int bits) {
  tb_rng rng;
  tb_rng_seed(&rng, 1640 + bits);
  for (int gi = 0; gi < TB_ARRAY_LEN(kGeometries); gi++) {
    tb_geometry g = kGeometries[gi];
    g.bits = g.dense_bits = bits;
    tb_record_layout rec;
    tb_record_layout_of(&g, g.ffn, bits, &rec);
    tb_backend *b = open_metal(&g, rec.size);
    if (!b) return;
    uint8_t *record = tb_backend_alloc(b, (size_t)rec.size);
    float *x = nan_floats(b, g.hidden), *gate = nan_floats(b, g.ffn), *up = nan_floats(b, g.ffn),
          *act = nan_floats(b, g.ffn), *y = nan_floats(b, g.hidden);
    TB_CHECK(record && x && gate && up && act && y, "alloc: %s", tb_error_message());
    if (record && x && gate && up && act && y) {
      for (int which = 0; which < 3; which++) {
        tb_qmat m;
        tb_qmat_from_record(record, &rec, &g, g.ffn, bits, which, &m);
        kfix_fill_parts(&rng, (uint32_t *)m.w, (uint16_t *)m.scales, (uint16_t *)m.biases, m.rows, m.cols,
                        bits, g.group);
      }
      kfix_random_vec(&rng, x, g.hidden);
      const tb_backend_ffn job = { record, &rec, g.ffn, bits, x, gate, up, act, y };
      double gpu_s = 0.0;
      TB_CHECK_OK(b->ops->ffn(b, &job));
      TB_CHECK_OK(b->ops->finish(b, &gpu_s));
      TB_CHECK(gpu_s > 0.0 && gpu_s < 1.0, "GPU time %g s for one expert", gpu_s);
      char what[64];
      snprintf(what, sizeof what, "gpu h%d f%d g%d", g.hidden, g.ffn, g.group);
      mcheck_ffn(&g, &rec, g.ffn, bits, record, x, gate, up, act, y, TB_MTL_X_TILE_MAX, what);
    }
    void *bufs[] = { record, x, gate, up, act, y };
    for (int i = 0; i < TB_ARRAY_LEN(bufs); i++) tb_backend_free(b, bufs[i]);
    tb_backend_close(b);
  }
}

TB_TEST(metal_gpu_ffn_q2_matches_reference) { gpu_ffn(2); }
TB_TEST(metal_gpu_ffn_q4_matches_reference) { gpu_ffn(4); }
TB_TEST(metal_gpu_ffn_q8_matches_reference) { gpu_ffn(8); }

TB_TEST(metal_gpu_combine_matches_formula) {
  const int n = 4097, k = 4;
  tb_rng rng;
  tb_rng_seed(&rng, 1650);
  tb_backend *b = open_metal(&kGeometries[1], 0);
  if (!b) return;
  float *h = tb_backend_alloc(b, sizeof(float) * n), *shared = tb_backend_alloc(b, sizeof(float) * n),
        *ys = tb_backend_alloc(b, sizeof(float) * n * k), *w = tb_backend_alloc(b, sizeof(float) * k);
  float *h0 = malloc(sizeof(float) * n);
  if (h && shared && ys && w && h0) {
    kfix_random_vec(&rng, h, n);
    kfix_random_vec(&rng, shared, n);
    kfix_random_vec(&rng, ys, n * k);
    kfix_random_vec(&rng, w, k);
    memcpy(h0, h, sizeof(float) * n);
    double gpu_s = 0.0;
    TB_CHECK_OK(b->ops->combine(b, h, shared, ys, w, k, n, &gpu_s));
    TB_CHECK(gpu_s > 0.0, "no GPU time for the combine");
    mcheck_combine(h0, shared, ys, w, k, n, h, "gpu");
  } else {
    TB_CHECK(0, "alloc: %s", tb_error_message());
  }
  free(h0);
  void *bufs[] = { h, shared, ys, w };
  for (int i = 0; i < TB_ARRAY_LEN(bufs); i++) tb_backend_free(b, bufs[i]);
  tb_backend_close(b);
}

/* A record in plain malloc memory (as an mmap-zerocopy I/O engine would hand out) is refused
 * with a message, not read through a dangling binding. */
TB_TEST(metal_gpu_refuses_memory_it_did_not_wrap) {
  tb_geometry g = kGeometries[1];
  tb_record_layout rec;
  tb_record_layout_of(&g, g.ffn, g.bits, &rec);
  tb_backend *b = open_metal(&g, rec.size);
  if (!b) return;
  uint8_t *foreign = calloc(1, (size_t)rec.size);
  float *x = nan_floats(b, g.hidden), *s = nan_floats(b, 3 * g.ffn), *y = nan_floats(b, g.hidden);
  const tb_backend_ffn job = { foreign, &rec, g.ffn, g.bits, x, s, s + g.ffn, s + 2 * g.ffn, y };
  int rc = b->ops->ffn(b, &job);
  TB_CHECK(rc == TB_ERR_ARG && strstr(tb_error_message(), "not in memory this backend allocated"),
           "ffn on foreign memory -> %d: %s", rc, tb_error_message());
  double gpu_s = 0.0;
  b->ops->finish(b, &gpu_s);
  free(foreign);
  tb_backend_free(b, x);
  tb_backend_free(b, s);
  tb_backend_free(b, y);
  tb_backend_close(b);
}
#endif
