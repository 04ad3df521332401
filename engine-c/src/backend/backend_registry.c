/* backend_registry.c — the table of compute backends and lookup by name. Adding a backend =
 * one file defining a tb_backend_ops + one line here. metal is listed everywhere: on macOS
 * backend_metal.m, elsewhere backend_metal_none.c, which says why it is unavailable; CUDA is
 * compiled only on its platforms, under TB_HAVE_CUDA. */
#include "backend.h"
#include "../util/common.h"
#include <stdio.h>
#include <string.h>

extern const tb_backend_ops tb_backend_cpu;
extern const tb_backend_ops tb_backend_metal;
#ifdef TB_HAVE_CUDA
extern const tb_backend_ops tb_backend_cuda;
#endif

const tb_backend_ops *const tb_backends[] = {
  &tb_backend_cpu,
  &tb_backend_metal,
#ifdef TB_HAVE_CUDA
  &tb_backend_cuda,
#endif
};
const int tb_backend_count = TB_ARRAY_LEN(tb_backends);

const tb_backend_ops *tb_backend_find(const char *name) {
  for (int i = 0; i < tb_backend_count; i++)
    if (strcmp(tb_backends[i]->name, name) == 0) return tb_backends[i];
  return NULL;
}

static void list_names(char *buf, size_t n) {
  size_t used = 0;
  buf[0] = 0;
  for (int i = 0; i < tb_backend_count && used < n; i++)
    used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", tb_backends[i]->name);
}

int tb_backend_open(const char *name, int threads, tb_backend **out) {
  *out = NULL;
  char names[256];
  const tb_backend_ops *ops = tb_backend_find(name);
  if (!ops) {
    list_names(names, sizeof names);
    return tb_fail(TB_ERR_ARG, "compute.backend '%s' is unknown; this engine has: %s", name, names);
  }
  char why[256] = "";
  if (!ops->available(why, sizeof why))
    return tb_fail(TB_ERR_UNAVAILABLE, "compute.backend '%s': %s", name, why);
  if (threads < 1)
    return tb_fail(TB_ERR_ARG, "compute backend '%s': threads=%d, must be >= 1", name, threads);
  return ops->create(out, threads);
}
