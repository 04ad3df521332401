/* io_registry.c — the table of compiled I/O engines, lookup by name, and opening one with
 * its availability and configuration checked. Adding an engine = one file defining a
 * tb_io_ops + one line here. */
#include "io.h"
#include "../util/common.h"
#include <stdio.h>
#include <string.h>

extern const tb_io_ops tb_io_pread;
extern const tb_io_ops tb_io_null;
extern const tb_io_ops tb_io_uring;
extern const tb_io_ops tb_io_mmap, tb_io_mmap_zerocopy;

const tb_io_ops *const tb_io_engines[] = {
  &tb_io_pread,
  &tb_io_null,
  &tb_io_uring,
  &tb_io_mmap,
  &tb_io_mmap_zerocopy,
};
const int tb_io_engine_count = TB_ARRAY_LEN(tb_io_engines);

const tb_io_ops *tb_io_find(const char *name) {
  for (int i = 0; i < tb_io_engine_count; i++)
    if (strcmp(tb_io_engines[i]->name, name) == 0) return tb_io_engines[i];
  return NULL;
}

int tb_io_open(const char *name, const tb_io_config *cfg, tb_io **out) {
  *out = NULL;
  const tb_io_ops *ops = tb_io_find(name);
  if (!ops) {
    char names[256];
    size_t used = 0;
    names[0] = 0;
    for (int i = 0; i < tb_io_engine_count && used < sizeof names; i++)
      used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                               tb_io_engines[i]->name);
    return tb_fail(TB_ERR_ARG, "io.engine '%s' is unknown; this engine has: %s", name, names);
  }
  char why[256] = "";
  if (!ops->available(why, sizeof why))
    return tb_fail(TB_ERR_UNAVAILABLE, "io.engine '%s' is not available here: %s", name, why);
  if (cfg->threads < 1 || cfg->threads > TB_IO_MAX_THREADS)
    return tb_fail(TB_ERR_ARG, "io.threads=%d: must be 1..%d", cfg->threads, TB_IO_MAX_THREADS);
  if (cfg->chunk < 0)
    return tb_fail(TB_ERR_ARG, "io.chunk=%lld: must be 0 (whole read) or a positive byte count",
                   (long long)cfg->chunk);
  return ops->create(out, cfg);
}
