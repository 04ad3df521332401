/* kernel_registry.c — the table of kernel variants, run-time selection by name ("auto" or a
 * forced variant) and the per-variant, per-bit-width call counters tests use. */
#include "variants.h"
#include "../util/common.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static int always(void) { return 1; }

/* Ordered from the reference to the fastest; "auto" takes the last available entry.
 * A NEON variant would be one more id and one more entry, with TB_ARM_FN(). */
const tb_kernel_variant tb_kernel_variants[] = {
  [TB_KV_SCALAR] = { "scalar", always,
    { [2] = tb_qmv_scalar_q2, [4] = tb_qmv_scalar_q4, [8] = tb_qmv_scalar_q8 } },
  [TB_KV_AVX2] = { "avx2", tb_avx2_available,
    { [2] = TB_X86_FN(tb_qmv_avx2_q2), [4] = TB_X86_FN(tb_qmv_avx2_q4), [8] = TB_X86_FN(tb_qmv_avx2_q8) } },
  [TB_KV_AVX512] = { "avx512", tb_avx512_available,
    { [2] = TB_X86_FN(tb_qmv_avx512_q2), [4] = TB_X86_FN(tb_qmv_avx512_q4), [8] = TB_X86_FN(tb_qmv_avx512_q8) } },
};
const int tb_kernel_variant_count = TB_ARRAY_LEN(tb_kernel_variants);
_Static_assert(TB_ARRAY_LEN(tb_kernel_variants) == TB_KV_COUNT, "one table entry per variant id");

/* [variant][bits]: entries into each kernel function. */
static _Atomic int64_t calls[TB_KV_COUNT][9];
/* Bit v set: variant v is hidden by tb_kernel_hide. */
static _Atomic unsigned hidden;

static int usable(int v) {
  return !(atomic_load(&hidden) & (1u << v)) && tb_kernel_variants[v].available();
}

void tb_kernel_note_call(int v, int bits) {
  atomic_fetch_add_explicit(&calls[v][bits], 1, memory_order_relaxed);
}

static int find(const char *name) {
  for (int i = 0; i < tb_kernel_variant_count; i++)
    if (strcmp(tb_kernel_variants[i].name, name) == 0) return i;
  return -1;
}

/* "a, b, c" of the variants for which available() == want_available (or all when < 0). */
static void list_names(char *out, size_t n, int want_available) {
  size_t used = 0;
  out[0] = 0;
  for (int i = 0; i < tb_kernel_variant_count; i++) {
    if (want_available >= 0 && usable(i) != want_available) continue;
    int w = snprintf(out + used, n - used, "%s%s", used ? ", " : "", tb_kernel_variants[i].name);
    if (w < 0 || (size_t)w >= n - used) break;
    used += (size_t)w;
  }
}

int tb_kernel_select(const char *name, const tb_kernel_variant **out) {
  char names[256];
  if (!name || !out) return tb_fail(TB_ERR_ARG, "tb_kernel_select: name and out must not be NULL");
  if (strcmp(name, "auto") == 0) {
    for (int i = tb_kernel_variant_count - 1; i >= 0; i--)
      if (usable(i)) { *out = &tb_kernel_variants[i]; return TB_OK; }
    return tb_fail(TB_ERR_UNAVAILABLE, "kernel: no variant is available");  /* scalar always is */
  }
  int i = find(name);
  if (i < 0) {
    list_names(names, sizeof names, -1);
    return tb_fail(TB_ERR_UNAVAILABLE, "kernel variant '%s' is unknown; valid names: auto, %s",
                   name, names);
  }
  if (!usable(i)) {
    list_names(names, sizeof names, 1);
    return tb_fail(TB_ERR_UNAVAILABLE, "kernel variant '%s' is %s; available here: auto, %s", name,
                   tb_kernel_variants[i].available() ? "hidden (tb_kernel_hide)"
                   : "not supported by this CPU or not compiled for this architecture", names);
  }
  *out = &tb_kernel_variants[i];
  return TB_OK;
}

int64_t tb_kernel_calls(const char *variant_name, int bits) {
  int i = variant_name ? find(variant_name) : -1;
  if (i < 0) return tb_fail(-1, "tb_kernel_calls: unknown kernel variant '%s'",
                            variant_name ? variant_name : "(null)");
  if (bits != 2 && bits != 4 && bits != 8)
    return tb_fail(-1, "tb_kernel_calls: bits=%d must be 2, 4 or 8", bits);
  return atomic_load_explicit(&calls[i][bits], memory_order_relaxed);
}

int tb_kernel_hide(const char *names) {
  unsigned mask = 0;
  const char *p = names ? names : "";
  while (*p) {
    size_t len = strcspn(p, ",");
    int v = -1;
    for (int i = 0; i < tb_kernel_variant_count; i++)
      if (strlen(tb_kernel_variants[i].name) == len && strncmp(tb_kernel_variants[i].name, p, len) == 0) v = i;
    if (v < 0 || v == TB_KV_SCALAR)
      return tb_fail(TB_ERR_ARG, "tb_kernel_hide: '%.*s' is not a variant that can be hidden "
                     "(any but scalar)", (int)len, p);
    mask |= 1u << v;
    p += len;
    if (*p == ',') p++;
  }
  atomic_store(&hidden, mask);
  return TB_OK;
}
