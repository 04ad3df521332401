/* test_run_fixture.c — shared setup of the engine tests (see test_run_fixture.h). */
#define _GNU_SOURCE
#include "test_run_fixture.h"
#include "tb_test.h"
#include "../src/engine/run_internal.h"
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const tb_geometry fx_geometry = {
  .hidden = 256, .ffn = 256, .shared_ffn = 256, .layers = 3, .experts = 16, .k = 4,
  .group = 64, .bits = 4, .dense_bits = 4, .dense_matrices = 2,
};

int64_t fx_record_bytes(void) {
  tb_record_layout rec;
  tb_record_layout_of(&fx_geometry, fx_geometry.ffn, fx_geometry.bits, &rec);
  return rec.size;
}

const char *fx_make_model(const char *dir) {
  static char path[4200];
  snprintf(path, sizeof path, "%s/model", dir);
  tb_gen *gen;
  int rc = tb_gen_create(&gen, path, &fx_geometry, 42, 1, NULL);
  TB_CHECK(rc == TB_OK, "tb_gen_create: %s", tb_last_error());
  if (rc) return NULL;
  double progress = 0;
  while ((rc = tb_gen_run_step(gen, 1.0, &progress)) == TB_MORE) {}
  TB_CHECK(rc == TB_OK, "tb_gen_run_step: %s", tb_last_error());
  tb_gen_destroy(gen);
  return rc == TB_OK ? path : NULL;
}

void fx_set_str(tb_config *c, const char *key, const char *v) {
  TB_CHECK(tb_config_set_str(c, key, v) == TB_OK, "%s=%s: %s", key, v, tb_last_error());
}
void fx_set_int(tb_config *c, const char *key, int v) {
  TB_CHECK(tb_config_set_int(c, key, v) == TB_OK, "%s=%d: %s", key, v, tb_last_error());
}
void fx_set_real(tb_config *c, const char *key, double v) {
  TB_CHECK(tb_config_set_real(c, key, v) == TB_OK, "%s=%g: %s", key, v, tb_last_error());
}

void fx_config(tb_config *c, const char *model_dir, int tokens) {
  tb_config_defaults(c);
  fx_set_str(c, "model.dir", model_dir);
  fx_set_int(c, "run.tokens", tokens);
  fx_set_int(c, "routing.k", 4);
}

static int state_finite(const tb_run *r) {
  for (int i = 0; i < r->hidden; i++)
    if (!isfinite(r->x[i])) return 0;
  return 1;
}

fx_result fx_run(const tb_config *c) {
  fx_result out = { .finite = 1 };
  tb_run *r;
  out.rc = tb_run_open(&r, c);
  if (out.rc < 0) return out;
  double t0 = tb_now();
  do {
    out.rc = tb_run_step(r, 0, NULL);        /* budget 0: one token per step */
    out.finite &= state_finite(r);
  } while (out.rc == TB_MORE);
  out.outer_s = tb_now() - t0;
  out.hash = tb_run_output_hash(r);
  tb_run_stats(r, out.s);
  tb_run_close(r);
  return out;
}

void fx_layer_path(const char *model_dir, int layer, char *out, int n) {
  char name[64];
  tb_layer_file_name(layer, name, sizeof name);
  snprintf(out, n, "%s/%s", model_dir, name);
}

void fx_drop(const char *model_dir, int layers) {
  for (int l = 0; l < layers; l++) {
    char path[4200];
    fx_layer_path(model_dir, l, path, sizeof path);
    int fd = open(path, O_RDONLY);
    TB_CHECK(fd >= 0, "open %s", path);
    if (fd < 0) continue;
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
  }
}

void fx_warm(const char *model_dir, int layers) {
  static char buf[1 << 16];
  for (int l = 0; l < layers; l++) {
    char path[4200];
    fx_layer_path(model_dir, l, path, sizeof path);
    int fd = open(path, O_RDONLY);
    TB_CHECK(fd >= 0, "open %s", path);
    if (fd < 0) continue;
    while (read(fd, buf, sizeof buf) > 0) {}
    close(fd);
  }
}

int64_t fx_resident(const char *model_dir, int layers) {
  int64_t total = 0;
  long page = sysconf(_SC_PAGESIZE);
  for (int l = 0; l < layers; l++) {
    char path[4200];
    fx_layer_path(model_dir, l, path, sizeof path);
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) { TB_CHECK(0, "open %s", path); if (fd >= 0) close(fd); continue; }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    size_t pages = ((size_t)st.st_size + (size_t)page - 1) / (size_t)page;
    unsigned char *vec = malloc(pages);
    if (map != MAP_FAILED && vec && mincore(map, (size_t)st.st_size, vec) == 0)
      for (size_t i = 0; i < pages; i++) total += (vec[i] & 1) ? page : 0;
    free(vec);
    if (map != MAP_FAILED) munmap(map, (size_t)st.st_size);
    close(fd);
  }
  return total;
}
