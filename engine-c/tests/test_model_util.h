/* test_model_util.h — helpers shared by the model tests: tiny geometries, generating a model
 * to completion, and reading, comparing and editing files. */
#ifndef TEST_MODEL_UTIL_H
#define TEST_MODEL_UTIL_H

#include "tb_test.h"
#include "../src/model/model.h"
#include "../src/util/common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* hidden 256, ffn 64, 16 experts, 2 layers; one dense matrix per layer. */
static inline tb_geometry tiny_geometry(int bits) {
  tb_geometry g = tb_preset_find("tiny")->g;
  g.bits = bits;
  return g;
}

static inline void path_in(char *out, size_t n, const char *dir, const char *name) {
  if (snprintf(out, n, "%s/%s", dir, name) >= (int)n) out[0] = 0;   /* scratch paths are short */
}

/* Runs a generation to the end in short steps. Returns the final status. */
static inline int generate_model(const char *dir, const tb_geometry *g, uint64_t seed,
                                 int threads, int checksums) {
  tb_gen *gen;
  int rc = tb_gen_create(&gen, dir, g, seed, threads, NULL);
  if (rc) return rc;
  if (checksums && (rc = tb_gen_set_checksums(gen, 1))) { tb_gen_destroy(gen); return rc; }
  double progress;
  while ((rc = tb_gen_run_step(gen, 0.05, &progress)) == TB_MORE) {}
  tb_gen_destroy(gen);
  return rc;
}

/* Whole file into a malloc'd buffer (NULL if unreadable); *len gets its size. */
static inline uint8_t *slurp_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
  fclose(f);
  if (buf) { buf[n] = 0; *len = (size_t)n; }
  return buf;
}

static inline int write_text_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t n = strlen(text);
  int ok = fwrite(text, 1, n, f) == n;
  return fclose(f) == 0 && ok ? 0 : -1;
}

/* 1 when both files exist and hold the same bytes. */
static inline int same_file_bytes(const char *a, const char *b) {
  size_t na = 0, nb = 0;
  uint8_t *pa = slurp_file(a, &na), *pb = slurp_file(b, &nb);
  int same = pa && pb && na == nb && memcmp(pa, pb, na) == 0;
  free(pa);
  free(pb);
  return same;
}

/* Replaces the first occurrence of `from` in the file by `to`. 0 on success. */
static inline int edit_file(const char *path, const char *from, const char *to) {
  size_t n;
  char *text = (char *)slurp_file(path, &n);
  if (!text) return -1;
  char *at = strstr(text, from);
  if (!at) { free(text); return -1; }
  size_t out_len = n - strlen(from) + strlen(to);
  char *out = malloc(out_len + 1);
  size_t head = (size_t)(at - text);
  memcpy(out, text, head);
  strcpy(out + head, to);
  strcat(out, at + strlen(from));
  int rc = write_text_file(path, out);
  free(out);
  free(text);
  return rc;
}

/* The model module's own error text (tb_error_message), so these tests need no ABI layer. */
#define TB_CHECK_MSG(needle) \
  TB_CHECK(strstr(tb_error_message(), needle) != NULL, "error \"%s\" lacks \"%s\"", \
           tb_error_message(), needle)
#define MODEL_OK(call) do { int rc_ = (call); \
  TB_CHECK(rc_ >= 0, "%s -> %d: %s", #call, rc_, tb_error_message()); } while (0)

#endif
