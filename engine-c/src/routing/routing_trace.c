/* routing_trace.c — tierbench's binary routing trace (format in routing.h and
 * docs/trace-format.md): load with every field, size and row checked, each error naming the
 * file and, for a bad row, its token and layer; save written to a temporary name and renamed,
 * so a reader never sees half a trace. */
#define _GNU_SOURCE
#include "routing.h"
#include "../io/io.h"
#include "../util/common.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK_ELEMS 16384        /* 4-byte values converted per block: 64 KiB of scratch */
#define WEIGHT_SUM_TOL 1e-6      /* rows summing to 1 within this are kept bit-exact */

typedef struct { uint32_t version, layers, experts, k, tokens, flags; } trace_header;

static uint32_t get_le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put_le32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static float f32_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t u32_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* The 8 magic bytes as printable text, for "found ..." in a message. */
static void show_bytes(const uint8_t *p, int n, char *out, size_t cap) {
  size_t used = 0;
  for (int i = 0; i < n && used + 5 < cap; i++)
    used += (size_t)snprintf(out + used, cap - used, p[i] >= 32 && p[i] < 127 && p[i] != '"' &&
                             p[i] != '\\' ? "%c" : "\\x%02x", p[i]);
}

static int check_header(const char *path, const uint8_t *h, int64_t file_size, trace_header *th) {
  if (memcmp(h, TB_TRACE_MAGIC, sizeof TB_TRACE_MAGIC) != 0) {   /* 8 bytes with the NUL */
    char found[48] = "";
    show_bytes(h, 8, found, sizeof found);
    return tb_fail(TB_ERR_TRACE, "trace %s: bad magic \"%s\", expected \"TBTRACE\\x00\" (not a "
                   "tierbench routing trace)", path, found);
  }
  th->version = get_le32(h + 8);
  th->layers = get_le32(h + 12);
  th->experts = get_le32(h + 16);
  th->k = get_le32(h + 20);
  th->tokens = get_le32(h + 24);
  th->flags = get_le32(h + 28);
  if (th->version != TB_TRACE_VERSION)
    return tb_fail(TB_ERR_TRACE, "trace %s: version %u, this engine reads version %d", path,
                   th->version, TB_TRACE_VERSION);
  if (th->flags & ~1u)
    return tb_fail(TB_ERR_TRACE, "trace %s: flags 0x%x has unknown bits (only bit 0, gate weights "
                   "present, is defined)", path, th->flags);
  for (int i = 32; i < TB_TRACE_HEADER_BYTES; i++)
    if (h[i])
      return tb_fail(TB_ERR_TRACE, "trace %s: reserved header byte %d is 0x%02x, must be 0", path, i, h[i]);
  if (th->layers < 1 || th->experts < 1 || th->tokens < 1 || th->k < 1 || th->k > th->experts ||
      th->k > TB_ROUTING_MAX_K || th->layers > INT32_MAX || th->experts > INT32_MAX ||
      th->tokens > INT32_MAX)
    return tb_fail(TB_ERR_TRACE, "trace %s: header has tokens=%u layers=%u experts=%u k=%u; each "
                   "must be >= 1, with k <= experts and k <= %d", path, th->tokens, th->layers,
                   th->experts, th->k, TB_ROUTING_MAX_K);
  double entries = (double)th->tokens * th->layers * th->k;
  if (entries > (double)(1ULL << 40))
    return tb_fail(TB_ERR_TRACE, "trace %s: header implies %.0f entries (tokens=%u layers=%u k=%u), "
                   "more than 2^40", path, entries, th->tokens, th->layers, th->k);
  int64_t want = TB_TRACE_HEADER_BYTES + (int64_t)entries * 4 * ((th->flags & 1) ? 2 : 1);
  if (file_size != want)
    return tb_fail(TB_ERR_TRACE, "trace %s: %lld bytes, but its header (tokens=%u layers=%u k=%u, "
                   "weights %s) implies %lld = 64 + tokens x layers x k x %d: %s", path,
                   (long long)file_size, th->tokens, th->layers, th->k,
                   (th->flags & 1) ? "present" : "absent", (long long)want,
                   (th->flags & 1) ? 8 : 4, file_size < want ? "truncated" : "trailing bytes");
  return TB_OK;
}

static int check_geometry(const char *path, const trace_header *th, int tokens, int layers,
                          int experts, int k) {
  if ((int64_t)th->layers < layers)
    return tb_fail(TB_ERR_TRACE, "trace %s has %u layers, the model has %d: a trace may have more "
                   "layers than the model (the first %d are used), never fewer", path, th->layers,
                   layers, layers);
  if ((int64_t)th->experts != experts)
    return tb_fail(TB_ERR_TRACE, "trace %s routes over %u experts per layer, the model has %d",
                   path, th->experts, experts);
  if ((int64_t)th->k != k)
    return tb_fail(TB_ERR_TRACE, "trace %s has k=%u experts per token, routing.k is %d", path, th->k, k);
  if ((int64_t)th->tokens < tokens)
    return tb_fail(TB_ERR_TRACE, "trace %s has %u tokens, %d were asked for", path, th->tokens, tokens);
  return TB_OK;
}

/* Reads `count` little-endian 4-byte values of the trace, starting at entry `first` of the
 * array at `base`, into host order. */
static int read_block(int fd, const char *path, int64_t base, int64_t first, int64_t count,
                      uint8_t *raw, uint32_t *out) {
  int rc = tb_pread_full(fd, raw, count * 4, base + first * 4, path);
  for (int64_t i = 0; rc == TB_OK && i < count; i++) out[i] = get_le32(raw + 4 * i);
  return rc;
}

static int check_ids(const char *path, const uint32_t *ids, int t, int l, int k, int experts) {
  for (int j = 0; j < k; j++) {
    if (ids[j] >= (uint32_t)experts)
      return tb_fail(TB_ERR_TRACE, "trace %s token %d layer %d slot %d: expert id %d out of range "
                     "0..%d", path, t, l, j, (int32_t)ids[j], experts - 1);
    for (int i = 0; i < j; i++)
      if (ids[i] == ids[j])
        return tb_fail(TB_ERR_TRACE, "trace %s token %d layer %d: expert %u appears twice (slots "
                       "%d and %d); a token's k experts must be distinct", path, t, l, ids[j], i, j);
  }
  return TB_OK;
}

/* Weights must be finite and non-negative with a positive sum; a row off 1 by more than
 * WEIGHT_SUM_TOL (e.g. raw top-k probabilities) is scaled to sum to 1. */
static int take_weights(const char *path, const uint32_t *raw, float *w, int t, int l, int k) {
  double sum = 0;
  for (int j = 0; j < k; j++) {
    w[j] = f32_of(raw[j]);
    if (!isfinite(w[j]) || w[j] < 0)
      return tb_fail(TB_ERR_TRACE, "trace %s token %d layer %d slot %d: gate weight %g must be "
                     "finite and >= 0", path, t, l, j, w[j]);
    sum += w[j];
  }
  if (!(sum > 0))
    return tb_fail(TB_ERR_TRACE, "trace %s token %d layer %d: gate weights sum to 0", path, t, l);
  if (fabs(sum - 1) > WEIGHT_SUM_TOL)
    for (int j = 0; j < k; j++) w[j] = (float)(w[j] / sum);
  return TB_OK;
}

static int load_rows(tb_routing *r, int fd, const char *path, const trace_header *th) {
  const int64_t row = (int64_t)th->layers * th->k;       /* entries per token in the file */
  const int64_t ids_base = TB_TRACE_HEADER_BYTES;
  const int64_t w_base = ids_base + (int64_t)th->tokens * row * 4;
  const int64_t per_block = row >= BLOCK_ELEMS ? 1 : BLOCK_ELEMS / row;   /* tokens */
  uint8_t *raw = malloc((size_t)(per_block * row * 4));
  uint32_t *vals = malloc((size_t)(per_block * row * 4));
  if (!raw || !vals) {
    free(raw); free(vals);
    return tb_fail(TB_ERR_NOMEM, "trace %s: cannot allocate %lld bytes of read buffer", path,
                   (long long)(per_block * row * 8));
  }
  int rc = TB_OK;
  const int k = r->k, lk = r->layers * r->k;
  for (int t0 = 0; rc == TB_OK && t0 < r->tokens; t0 += (int)per_block) {
    int n = r->tokens - t0 < per_block ? r->tokens - t0 : (int)per_block;
    rc = read_block(fd, path, ids_base, (int64_t)t0 * row, n * row, raw, vals);
    for (int t = 0; rc == TB_OK && t < n; t++)
      for (int l = 0; rc == TB_OK && l < (int)th->layers; l++) {  /* every layer is checked */
        const uint32_t *ids = vals + t * row + (int64_t)l * k;
        rc = check_ids(path, ids, t0 + t, l, k, r->experts);
        if (rc == TB_OK && l < r->layers)
          for (int j = 0; j < k; j++) r->ids[(size_t)(t0 + t) * lk + l * k + j] = (int32_t)ids[j];
      }
    if (rc != TB_OK || !(th->flags & 1)) continue;
    rc = read_block(fd, path, w_base, (int64_t)t0 * row, n * row, raw, vals);
    for (int t = 0; rc == TB_OK && t < n; t++)
      for (int l = 0; rc == TB_OK && l < r->layers; l++)
        rc = take_weights(path, vals + t * row + (int64_t)l * k,
                          r->weights + (size_t)(t0 + t) * lk + l * k, t0 + t, l, k);
  }
  if (rc == TB_OK && !(th->flags & 1))
    for (size_t i = 0; i < (size_t)r->tokens * lk; i++) r->weights[i] = 1.0f / k;
  free(raw);
  free(vals);
  return rc;
}

static int load_fd(tb_routing *r, int fd, const char *path, int tokens, int layers, int experts,
                   int k) {
  struct stat st;
  if (fstat(fd, &st) != 0)
    return tb_fail(TB_ERR_IO, "trace %s: cannot stat: %s (errno %d)", path, strerror(errno), errno);
  if (st.st_size < TB_TRACE_HEADER_BYTES)
    return tb_fail(TB_ERR_TRACE, "trace %s: %lld bytes, shorter than its %d-byte header (truncated, "
                   "or not a tierbench routing trace)", path, (long long)st.st_size, TB_TRACE_HEADER_BYTES);
  uint8_t h[TB_TRACE_HEADER_BYTES];
  trace_header th = { 0 };
  int rc = tb_pread_full(fd, h, TB_TRACE_HEADER_BYTES, 0, path);
  if (rc == TB_OK) rc = check_header(path, h, st.st_size, &th);
  if (rc != TB_OK) return rc;
  if (tokens <= 0) tokens = (int)th.tokens;
  rc = check_geometry(path, &th, tokens, layers, experts, k);
  if (rc == TB_OK) rc = tb_routing_alloc(r, tokens, layers, experts, k);
  if (rc == TB_OK) rc = load_rows(r, fd, path, &th);
  if (rc == TB_OK) rc = tb_routing_fill_next_use(r);
  if (rc != TB_OK) tb_routing_free(r);
  return rc;
}

int tb_routing_load(tb_routing *r, const char *path, int tokens, int layers, int experts, int k) {
  memset(r, 0, sizeof *r);
  if (layers < 1 || experts < 1 || k < 1 || k > experts)
    return tb_fail(TB_ERR_ARG, "routing trace %s: asked for layers=%d experts=%d k=%d; need layers, "
                   "experts >= 1 and k in 1..experts", path, layers, experts, k);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return tb_fail(TB_ERR_IO, "trace %s: cannot open: %s (errno %d)", path, strerror(errno), errno);
  int rc = load_fd(r, fd, path, tokens, layers, experts, k);
  close(fd);
  return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n, const char *path) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      return tb_fail(TB_ERR_IO, "write %s: %s (errno %d)", path, w < 0 ? strerror(errno) : "no progress",
                     w < 0 ? errno : 0);
    p += w;
    n -= (size_t)w;
  }
  return TB_OK;
}

/* Writes n host-order 4-byte values little-endian, through the block buffer. */
static int write_le32(int fd, const uint32_t *v, size_t n, uint8_t *buf, const char *path) {
  int rc = TB_OK;
  for (size_t i = 0; rc == TB_OK && i < n; i += BLOCK_ELEMS) {
    size_t m = n - i < BLOCK_ELEMS ? n - i : BLOCK_ELEMS;
    for (size_t j = 0; j < m; j++) put_le32(buf + 4 * j, v[i + j]);
    rc = write_all(fd, buf, m * 4, path);
  }
  return rc;
}

int tb_routing_save(const tb_routing *r, const char *path) {
  if (!r->ids || !r->weights || r->tokens < 1 || r->layers < 1 || r->k < 1 || r->k > r->experts)
    return tb_fail(TB_ERR_ARG, "save trace %s: routing is empty or malformed (tokens=%d layers=%d "
                   "experts=%d k=%d)", path, r->tokens, r->layers, r->experts, r->k);
  size_t n = (size_t)r->tokens * r->layers * r->k;
  for (size_t i = 0; i < n; i++)
    if (r->ids[i] < 0 || r->ids[i] >= r->experts)
      return tb_fail(TB_ERR_ARG, "save trace %s: token %zu layer %zu has expert id %d, outside "
                     "0..%d", path, i / ((size_t)r->layers * r->k), i / r->k % r->layers,
                     r->ids[i], r->experts - 1);
  char tmp[4200];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return tb_fail(TB_ERR_ARG, "save trace: path too long (%zu bytes)", strlen(path));
  uint8_t *buf = malloc(BLOCK_ELEMS * 4);
  if (!buf) return tb_fail(TB_ERR_NOMEM, "save trace %s: cannot allocate a write buffer", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    free(buf);
    return tb_fail(TB_ERR_IO, "save trace: cannot create %s: %s (errno %d)", tmp, strerror(errno), errno);
  }
  uint8_t h[TB_TRACE_HEADER_BYTES] = { 0 };
  memcpy(h, TB_TRACE_MAGIC, sizeof TB_TRACE_MAGIC);
  const uint32_t fields[6] = { TB_TRACE_VERSION, (uint32_t)r->layers, (uint32_t)r->experts,
                               (uint32_t)r->k, (uint32_t)r->tokens, 1u /* weights present */ };
  for (int i = 0; i < 6; i++) put_le32(h + 8 + 4 * i, fields[i]);
  int rc = write_all(fd, h, sizeof h, tmp);
  if (rc == TB_OK) rc = write_le32(fd, (const uint32_t *)r->ids, n, buf, tmp);
  for (size_t i = 0; rc == TB_OK && i < n; i += BLOCK_ELEMS) {   /* weights, as f32 bit patterns */
    size_t m = n - i < BLOCK_ELEMS ? n - i : BLOCK_ELEMS;
    for (size_t j = 0; j < m; j++) put_le32(buf + 4 * j, u32_of(r->weights[i + j]));
    rc = write_all(fd, buf, m * 4, tmp);
  }
  if (rc == TB_OK && fsync(fd) != 0)
    rc = tb_fail(TB_ERR_IO, "fsync %s: %s (errno %d)", tmp, strerror(errno), errno);
  if (close(fd) != 0 && rc == TB_OK)
    rc = tb_fail(TB_ERR_IO, "close %s: %s (errno %d)", tmp, strerror(errno), errno);
  if (rc == TB_OK && rename(tmp, path) != 0)
    rc = tb_fail(TB_ERR_IO, "rename %s to %s: %s (errno %d)", tmp, path, strerror(errno), errno);
  if (rc != TB_OK) unlink(tmp);
  free(buf);
  return rc;
}
