/* importer.c — turns a real Flash-MoE packed_experts/ directory (layer_00.bin …) into a
 * tierbench model: layer files checked against a preset at the given bits, linked (not
 * copied) into the destination, synthetic resident weights generated, manifest written last. */
#define _GNU_SOURCE
#include "generator.h"
#include "fsutil.h"
#include "../util/common.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int preset_error(const char *name) {
  char valid[512] = "";
  for (int i = 0; i < tb_preset_count; i++) {
    size_t used = strlen(valid);
    snprintf(valid + used, sizeof valid - used, "%s%s", i ? ", " : "", tb_presets[i].name);
  }
  return tb_fail(TB_ERR_ARG, "import: unknown preset \"%s\" (valid: %s)", name, valid);
}

static int exists(const char *dir, int layer, char *path, size_t n) {
  char name[32];
  tb_layer_file_name(layer, name, sizeof name);
  if (tb_path_join(path, n, dir, name)) return 0;
  struct stat st;
  return stat(path, &st) == 0;
}

/* Counts the consecutive layer files from layer_00.bin; any file after a gap is an error. */
static int count_layers(const char *src, int max_layers, int *out) {
  char path[4200], gap[4200];
  int n = 0;
  while (n < TB_MAX_LAYERS && exists(src, n, path, sizeof path)) n++;
  if (n == 0) {
    exists(src, 0, path, sizeof path);
    return tb_fail(TB_ERR_MODEL, "import: %s: missing; a Flash-MoE packed_experts directory holds "
                   "layer_00.bin … layer_%02d.bin", path, max_layers - 1);
  }
  exists(src, n, gap, sizeof gap);
  for (int l = n + 1; l < TB_MAX_LAYERS; l++)
    if (exists(src, l, path, sizeof path))
      return tb_fail(TB_ERR_MODEL, "import: %s: missing, but %s exists: layer files must be "
                     "consecutive from layer_00.bin", gap, path);
  if (n > max_layers)
    return tb_fail(TB_ERR_MODEL, "import: %s has %d layer files, but the preset has %d layers",
                   src, n, max_layers);
  *out = n;
  return TB_OK;
}

/* Exact size per layer file; a size that fits another bit width says so. */
static int check_sizes(const char *src, const tb_geometry *g, const char *preset) {
  int64_t want = tb_model_layer_file_size(g);
  for (int l = 0; l < g->layers; l++) {
    char path[4200];
    exists(src, l, path, sizeof path);
    struct stat st;
    if (stat(path, &st) != 0) return tb_fail(TB_ERR_IO, "import: stat %s: %s", path, strerror(errno));
    if ((int64_t)st.st_size == want && S_ISREG(st.st_mode)) continue;
    char hint[96] = "";
    static const int widths[] = { 2, 4, 8 };
    for (int i = 0; i < 3; i++) {
      tb_geometry other = *g;
      other.bits = widths[i];
      if (widths[i] != g->bits && tb_model_layer_file_size(&other) == (int64_t)st.st_size)
        snprintf(hint, sizeof hint, "; that is the size at %d-bit", widths[i]);
    }
    return tb_fail(TB_ERR_MODEL, "import: %s: expected %lld bytes (%d experts × %lld at %d-bit, "
                   "preset %s), found %lld%s", path, (long long)want, g->experts,
                   (long long)(want / g->experts), g->bits, preset, (long long)st.st_size, hint);
  }
  return TB_OK;
}

/* dst/layer_XX.bin → absolute src path; an entry of that name left by an unfinished
 * generation or import is replaced (the directory has no manifest, so it is not a model). */
static int link_layers(const char *src_abs, const char *dst, int layers) {
  for (int l = 0; l < layers; l++) {
    char target[4200], link[4200];
    int rc;
    if (!exists(src_abs, l, target, sizeof target))
      return tb_fail(TB_ERR_IO, "import: %s vanished", target);
    char name[32];
    tb_layer_file_name(l, name, sizeof name);
    if ((rc = tb_path_join(link, sizeof link, dst, name))) return rc;
    if (unlink(link) != 0 && errno != ENOENT)
      return tb_fail(TB_ERR_IO, "import: unlink %s: %s", link, strerror(errno));
    if (symlink(target, link) != 0)
      return tb_fail(TB_ERR_IO, "import: symlink %s -> %s: %s", link, target, strerror(errno));
  }
  return TB_OK;
}

int tb_import_create(tb_gen **out, const char *src_dir, const char *preset, int bits,
                     uint64_t seed, const char *dst_dir, int threads) {
  *out = NULL;
  const tb_preset *p = tb_preset_find(preset ? preset : "");
  if (!p) return preset_error(preset ? preset : "");
  tb_geometry g = p->g;
  g.bits = bits;
  int rc = tb_geometry_validate(&g);
  if (rc) return rc;
  char src_abs[PATH_MAX], dst_abs[PATH_MAX], manifest[4200];
  struct stat st;
  if (!realpath(src_dir, src_abs) || stat(src_abs, &st) != 0 || !S_ISDIR(st.st_mode))
    return tb_fail(TB_ERR_ARG, "import: %s: not a directory", src_dir);
  if ((rc = count_layers(src_abs, p->g.layers, &g.layers))) return rc;
  if ((rc = check_sizes(src_abs, &g, p->name))) return rc;
  if ((rc = tb_mkdir_p(dst_dir))) return rc;
  if (!realpath(dst_dir, dst_abs)) return tb_fail(TB_ERR_IO, "import: %s: %s", dst_dir, strerror(errno));
  if (strcmp(src_abs, dst_abs) == 0)
    return tb_fail(TB_ERR_ARG, "import: destination %s is the source directory; choose another",
                   dst_dir);
  if ((rc = tb_path_join(manifest, sizeof manifest, dst_dir, TB_MANIFEST_FILE))) return rc;
  if (lstat(manifest, &st) == 0)
    return tb_fail(TB_ERR_STATE, "%s: already holds a committed model (%s); delete the directory "
                   "to import there", dst_dir, TB_MANIFEST_FILE);
  if ((rc = link_layers(src_abs, dst_dir, g.layers))) return rc;
  return tb_gen_create_ex(out, dst_dir, &g, seed, threads, p->name, 1);
}

int tb_import(const char *src_dir, const char *preset, int bits, uint64_t seed, const char *dst_dir) {
  tb_gen *gen;
  int rc = tb_import_create(&gen, src_dir, preset, bits, seed, dst_dir, 0);
  if (rc) return rc;
  double progress;
  while ((rc = tb_gen_run_step(gen, 1.0, &progress)) == TB_MORE) {}
  tb_gen_destroy(gen);
  return rc;
}
