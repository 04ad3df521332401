/* json_out.c — the append-only JSON writer (see json_out.h). Strings are escaped per RFC 8259;
 * reals are printed with the fewest digits that read back to the same double. */
#include "json_out.h"
#include "../util/common.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tb_jout_fixed(tb_jout *j, char *buf, size_t cap) {
  *j = (tb_jout){ .buf = buf, .cap = cap };
  if (cap) buf[0] = 0; else j->failed = 1;
}

void tb_jout_heap(tb_jout *j) {
  *j = (tb_jout){ .grow = 1 };
  j->buf = malloc(4096);
  if (j->buf) { j->cap = 4096; j->buf[0] = 0; } else j->failed = 1;
}

static int reserve(tb_jout *j, size_t more) {
  if (j->failed) return 0;
  if (j->len + more + 1 <= j->cap) return 1;
  if (!j->grow) { j->failed = 1; return 0; }
  size_t cap = j->cap * 2;
  while (cap < j->len + more + 1) cap *= 2;
  char *nb = realloc(j->buf, cap);
  if (!nb) { j->failed = 1; return 0; }
  j->buf = nb;
  j->cap = cap;
  return 1;
}

static void put(tb_jout *j, const char *s, size_t n) {
  if (!reserve(j, n)) return;
  memcpy(j->buf + j->len, s, n);
  j->len += n;
  j->buf[j->len] = 0;
}

void tb_jout_raw(tb_jout *j, const char *s) { put(j, s, strlen(s)); }

/* Array elements need commas between them; a value right after a key does not. */
static void element(tb_jout *j) {
  if (j->need_comma) put(j, ",", 1);
  j->need_comma = 1;
}

void tb_jout_begin(tb_jout *j, char bracket) {
  element(j);
  put(j, &bracket, 1);
  j->need_comma = 0;
}

void tb_jout_end(tb_jout *j, char bracket) {
  put(j, &bracket, 1);
  j->need_comma = 1;
}

static void put_string(tb_jout *j, const char *s) {
  put(j, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    char esc[8];
    switch (*p) {
      case '"': put(j, "\\\"", 2); break;
      case '\\': put(j, "\\\\", 2); break;
      case '\n': put(j, "\\n", 2); break;
      case '\r': put(j, "\\r", 2); break;
      case '\t': put(j, "\\t", 2); break;
      default:
        if (*p < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", *p); put(j, esc, 6); }
        else put(j, (const char *)p, 1);
    }
  }
  put(j, "\"", 1);
}

void tb_jout_key(tb_jout *j, const char *name) {
  element(j);
  put_string(j, name);
  put(j, ":", 1);
  j->need_comma = 0;
}

void tb_jout_str(tb_jout *j, const char *s) {
  element(j);
  if (s) put_string(j, s); else put(j, "null", 4);
}

void tb_jout_int(tb_jout *j, long long v) {
  char t[32];
  element(j);
  put(j, t, (size_t)snprintf(t, sizeof t, "%lld", v));
}

void tb_jout_real(tb_jout *j, double v) {
  char t[40];
  element(j);
  if (!isfinite(v)) { put(j, "null", 4); return; }
  for (int digits = 1; digits <= 17; digits++) {   /* shortest form that round-trips */
    int n = snprintf(t, sizeof t, "%.*g", digits, v);
    if (strtod(t, NULL) == v || digits == 17) { put(j, t, (size_t)n); return; }
  }
}

void tb_jout_bool(tb_jout *j, int v) {
  element(j);
  if (v) put(j, "true", 4); else put(j, "false", 5);
}

int tb_jout_finish(tb_jout *j) {
  if (!j->failed) return TB_OK;
  if (j->grow) return tb_fail(TB_ERR_NOMEM, "out of memory writing JSON (%zu bytes)", j->len);
  return tb_fail(TB_ERR_ARG, "JSON output does not fit its %zu-byte buffer", j->cap);
}
