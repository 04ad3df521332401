/* model.c — opening a committed model directory: manifest validated, every file checked for
 * its exact size, read fds (buffered and O_DIRECT), untouched mappings of the layer files for
 * mincore() and the resident.bin mapping; plus checksum verification (tb_model_check). */
#define _GNU_SOURCE
#include "model.h"
#include "manifest.h"
#include "fsutil.h"
#include "../util/common.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define VERIFY_CHUNK (4 << 20)   /* bytes per read while hashing */

static void model_reset(tb_model *m) {
  memset(m, 0, sizeof *m);
  for (int l = 0; l < TB_MAX_LAYERS; l++) m->layer_fd[l] = m->layer_fd_direct[l] = -1;
}

/* Exact size or a message naming the file, expected and actual size. */
static int check_size(const char *dir, const tb_manifest_file *f) {
  char path[4200];
  int rc = tb_path_join(path, sizeof path, dir, f->name);
  if (rc) return rc;
  struct stat st;
  if (stat(path, &st) != 0) {
    if (errno == ENOENT)
      return tb_fail(TB_ERR_MODEL, "%s: missing (expected %lld bytes)", path, (long long)f->size);
    return tb_fail(TB_ERR_MODEL, "%s: %s (expected a file of %lld bytes)", path, strerror(errno),
                   (long long)f->size);
  }
  if (!S_ISREG(st.st_mode))
    return tb_fail(TB_ERR_MODEL, "%s: not a regular file (expected %lld bytes)", path,
                   (long long)f->size);
  if ((int64_t)st.st_size != f->size)
    return tb_fail(TB_ERR_MODEL, "%s: expected %lld bytes, found %lld", path, (long long)f->size,
                   (long long)st.st_size);
  return TB_OK;
}

static int map_file(const char *path, int64_t size, int fd, const void **out) {
  *out = NULL;
  if (size == 0) return TB_OK;
  void *p = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return tb_fail(TB_ERR_IO, "mmap %s (%lld bytes): %s", path, (long long)size,
                                      strerror(errno));
  *out = p;
  return TB_OK;
}

static int open_layer(tb_model *m, int l) {
  char name[32], path[4200];
  tb_layer_file_name(l, name, sizeof name);
  int rc = tb_path_join(path, sizeof path, m->dir, name);
  if (rc) return rc;
  m->layer_fd[l] = open(path, O_RDONLY | O_CLOEXEC);
  if (m->layer_fd[l] < 0) return tb_fail(TB_ERR_IO, "open %s: %s", path, strerror(errno));
  /* O_DIRECT is optional: tmpfs and some network file systems refuse it (EINVAL). */
  m->layer_fd_direct[l] = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT);
  const void *map;
  if ((rc = map_file(path, m->layer_file_size, m->layer_fd[l], &map))) return rc;
  m->layer_map[l] = (void *)map;
  return TB_OK;
}

static int open_resident(tb_model *m) {
  char path[4200];
  int rc = tb_path_join(path, sizeof path, m->dir, TB_RESIDENT_FILE);
  if (rc) return rc;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return tb_fail(TB_ERR_IO, "open %s: %s", path, strerror(errno));
  const void *map;
  rc = map_file(path, m->resident_size, fd, &map);
  close(fd);   /* the mapping keeps the file */
  m->resident = map;
  return rc;
}

int tb_model_open(tb_model *m, const char *dir) {
  model_reset(m);
  if (snprintf(m->dir, sizeof m->dir, "%s", dir) >= (int)sizeof m->dir)
    return tb_fail(TB_ERR_ARG, "model directory %s: longer than %zu bytes", dir, sizeof m->dir - 1);
  tb_manifest *man = malloc(sizeof *man);
  if (!man) return tb_fail(TB_ERR_NOMEM, "out of memory reading %s/%s", dir, TB_MANIFEST_FILE);
  int rc = tb_manifest_load(man, dir);
  for (int i = 0; !rc && i < man->file_count; i++) rc = check_size(dir, &man->files[i]);
  if (!rc) {
    snprintf(m->preset, sizeof m->preset, "%s", man->preset);
    m->g = man->g;
    m->seed = man->seed;
    m->imported = man->imported;
    m->resident_synthetic = man->resident_synthetic;
  }
  free(man);
  if (rc) return rc;

  tb_record_layout_of(&m->g, m->g.ffn, m->g.bits, &m->rec);
  if (m->g.shared_ffn) tb_record_layout_of(&m->g, m->g.shared_ffn, m->g.dense_bits, &m->shared_rec);
  m->dense_matrix_stride = tb_model_dense_matrix_stride(&m->g);
  m->resident_layer_stride = tb_model_resident_layer_stride(&m->g);
  m->layer_file_size = tb_model_layer_file_size(&m->g);
  m->resident_size = tb_model_resident_size(&m->g);
  for (int l = 0; !rc && l < m->g.layers; l++) rc = open_layer(m, l);
  if (!rc) rc = open_resident(m);
  if (rc) tb_model_close(m);
  return rc;
}

void tb_model_close(tb_model *m) {
  for (int l = 0; l < TB_MAX_LAYERS; l++) {
    if (m->layer_map[l]) munmap(m->layer_map[l], (size_t)m->layer_file_size);
    if (m->layer_fd[l] >= 0) close(m->layer_fd[l]);
    if (m->layer_fd_direct[l] >= 0) close(m->layer_fd_direct[l]);
  }
  if (m->resident) munmap((void *)m->resident, (size_t)m->resident_size);
  model_reset(m);
}

const uint8_t *tb_model_shared_expert(const tb_model *m, int layer) {
  if (!m->g.shared_ffn || !m->resident) return NULL;
  return m->resident + (int64_t)layer * m->resident_layer_stride;
}

const uint8_t *tb_model_dense_matrix(const tb_model *m, int layer, int j) {
  if (!m->resident) return NULL;
  return m->resident + (int64_t)layer * m->resident_layer_stride +
         tb_model_dense_matrix_offset(&m->g, j);
}

/* FNV-1a 64 of a whole file, read in chunks; the pages read are dropped from the page cache
 * afterwards so a check does not warm the cache a benchmark is about to measure. */
static int hash_file(const char *path, uint8_t *buf, uint64_t *out) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return tb_fail(TB_ERR_IO, "open %s: %s", path, strerror(errno));
  uint64_t h = TB_FNV_INIT;
  int64_t off = 0;
  int rc = TB_OK;
  for (;;) {
    ssize_t n = pread(fd, buf, VERIFY_CHUNK, (off_t)off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { rc = tb_fail(TB_ERR_IO, "read %s offset %lld: %s", path, (long long)off, strerror(errno)); break; }
    if (n == 0) break;
    h = tb_fnv1a(h, buf, (size_t)n);
    off += n;
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
  *out = h;
  return rc;
}

int tb_model_verify_checksums(const tb_model *m) {
  tb_manifest *man = malloc(sizeof *man);
  uint8_t *buf = malloc(VERIFY_CHUNK);
  int rc = man && buf ? tb_manifest_load(man, m->dir)
                      : tb_fail(TB_ERR_NOMEM, "out of memory verifying %s", m->dir);
  for (int i = 0; !rc && i < man->file_count; i++) {
    const tb_manifest_file *f = &man->files[i];
    if (!f->has_checksum) continue;
    char path[4200];
    uint64_t h = 0;
    if ((rc = tb_path_join(path, sizeof path, m->dir, f->name))) break;
    if ((rc = hash_file(path, buf, &h))) break;
    if (h != f->checksum)
      rc = tb_fail(TB_ERR_MODEL, "%s: checksum (FNV-1a 64) expected %016llx, found %016llx: the "
                   "file changed after the manifest was written", path,
                   (unsigned long long)f->checksum, (unsigned long long)h);
  }
  free(buf);
  free(man);
  return rc;
}

__attribute__((visibility("default"))) int tb_model_check(const char *dir) {
  tb_model *m = malloc(sizeof *m);
  if (!m) return tb_fail(TB_ERR_NOMEM, "out of memory checking %s", dir);
  int rc = tb_model_open(m, dir);
  if (!rc) {
    rc = tb_model_verify_checksums(m);
    tb_model_close(m);
  }
  free(m);
  if (!rc) tb_clear_error();
  return rc;
}
