/* backend_metal_none.c — the metal entry of the backend registry where the Metal backend is
 * not compiled (everywhere but macOS): never available, and it says why, so that
 * compute.backend: metal fails at open with that reason instead of "unknown backend". */
#include "backend.h"
#include "../util/common.h"
#include <stdio.h>

#ifndef TB_HAVE_METAL

#if defined(__linux__)
#define TB_THIS_OS "Linux"
#else
#define TB_THIS_OS "this operating system"
#endif

static int metal_none_available(char *why, size_t n) {
  snprintf(why, n, "not available on " TB_THIS_OS " — Apple GPUs only (macOS); use cpu");
  return 0;
}

/* Never reached: tb_backend_open and the run check available() first. */
static int metal_none_create(tb_backend **out, int threads) {
  *out = NULL;
  return tb_fail(TB_ERR_UNAVAILABLE, "compute.backend 'metal': not available on " TB_THIS_OS
                 " — Apple GPUs only (macOS); use cpu");
}

const tb_backend_ops tb_backend_metal = {
  .name = "metal",
  .help = "Apple GPUs through Metal (macOS only): expert FFNs and the combine on the GPU, "
          "expert bytes read straight into GPU-visible memory.",
  .available = metal_none_available,
  .create = metal_none_create,
};

#endif
