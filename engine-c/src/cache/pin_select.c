/* pin_select.c — which experts to pin (top N by weight) and placing them in the caches; the
 * same code for the engine and the simulator, so both pin the same keys into the same slots. */
#include "pin.h"
#include "../util/common.h"

/* a before b: heavier first, then the lower key */
static int before(const double *w, int32_t a, int32_t b) {
  return w[a] != w[b] ? w[a] > w[b] : a < b;
}

/* Heapsort of keys[0..n) into `before` order (no allocation, no shared state: simulator cells
 * choose pins on several threads at once). */
static void sift(const double *w, int32_t *k, int i, int n) {
  for (;;) {
    int c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && before(w, k[c], k[c + 1])) c++;   /* the child that comes later in order */
    if (!before(w, k[i], k[c])) return;
    int32_t t = k[i]; k[i] = k[c]; k[c] = t;
    i = c;
  }
}

static void sort_keys(const double *w, int32_t *k, int n) {
  /* a heap whose root comes last in order, so popping to the end leaves the order ascending */
  for (int i = n / 2 - 1; i >= 0; i--) sift(w, k, i, n);
  for (int end = n - 1; end > 0; end--) {
    int32_t t = k[0]; k[0] = k[end]; k[end] = t;
    sift(w, k, 0, end);
  }
}

static int top(const double *weight, int32_t first, int count, int n, int32_t *order, int32_t *out) {
  for (int i = 0; i < count; i++) order[i] = first + i;
  sort_keys(weight, order, count);
  int m = 0;
  while (m < n && m < count && weight[order[m]] > 0) { out[m] = order[m]; m++; }
  return m;
}

int tb_pin_choose(const double *weight, int layers, int experts, int per_layer, int n,
                  int32_t *order, int32_t *out) {
  if (!per_layer) return top(weight, 0, layers * experts, n, order, out);
  int m = 0;
  for (int l = 0; l < layers; l++) m += top(weight, l * experts, experts, n, order, out + m);
  return m;
}

int tb_pin_place(tb_cache *const *caches, int n_caches, int per_layer, int experts,
                 const int32_t *keys, int n, tb_pin_fill *fills) {
  for (int i = 0; i < n_caches; i++) tb_cache_end_batch(caches[i]);
  int nf = 0;
  for (int i = 0; i < n; i++) {
    int layer = keys[i] / experts, ci = per_layer ? layer : 0;
    tb_req r = { .layer = layer, .expert = keys[i] % experts, .key = keys[i], .token = -1,
                 .next_use = TB_NEXT_USE_UNKNOWN };
    int slot;
    int rc = tb_cache_pin(caches[ci], &r, &slot);
    if (rc < 0) return rc;
    if (rc == TB_CACHE_MISS_FILL) fills[nf++] = (tb_pin_fill){ keys[i], ci, slot };
  }
  return nf;               /* pinned slots are never victims, so no batch needs to hold them */
}
