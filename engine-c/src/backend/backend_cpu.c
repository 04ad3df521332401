/* backend_cpu.c — the CPU compute backend: buffers are plain host memory, TB_ALIGN-aligned
 * (so O_DIRECT reads can land in them), zeroed and faulted in at allocation so that no page
 * fault is ever charged to the token loop. */
#include "backend.h"
#include "../util/common.h"
#include <stdint.h>
#include <stdlib.h>

extern const tb_backend_ops tb_backend_cpu;

static int cpu_available(char *why, size_t n) { return 1; }

static int cpu_create(tb_backend **out, int threads) {
  tb_backend *b = calloc(1, sizeof *b);
  if (!b) return tb_fail(TB_ERR_NOMEM, "cpu backend: out of memory creating the backend");
  b->ops = &tb_backend_cpu;
  b->threads = threads;
  *out = b;
  return TB_OK;
}

static void cpu_destroy(tb_backend *b) { free(b); }

static void *cpu_alloc(tb_backend *b, size_t bytes) {
  void *p = bytes <= SIZE_MAX - TB_ALIGN ? tb_alloc_touched(bytes, TB_ALIGN) : NULL;
  if (!p)
    tb_fail(TB_ERR_NOMEM, "cpu backend: cannot allocate %zu bytes aligned to %d", bytes, TB_ALIGN);
  return p;
}

static void cpu_free(tb_backend *b, void *p) { tb_free_aligned(p); }

const tb_backend_ops tb_backend_cpu = {
  .name = "cpu",
  .help = "Host memory and the CPU kernels (scalar reference and SIMD variants).",
  .available = cpu_available,
  .create = cpu_create,
  .destroy = cpu_destroy,
  .alloc = cpu_alloc,
  .free = cpu_free,
};
