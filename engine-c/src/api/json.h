/* json.h — a tiny append-only JSON writer for the engine's exported text (configuration,
 * describe). Writes into a caller buffer or a growing heap buffer; never fails mid-way:
 * overflow or out-of-memory is reported once at the end by tb_json_finish. */
#ifndef TB_JSON_H
#define TB_JSON_H

#include <stddef.h>

typedef struct {
  char *buf;
  size_t len;        /* bytes written so far (excluding the terminating NUL) */
  size_t cap;        /* bytes available in buf, NUL included */
  int grow;          /* 1: buf is heap memory that may be realloc'd */
  int failed;        /* 1: ran out of room (fixed buffer) or of memory (growing) */
  int need_comma;    /* 1: the next member/element needs a leading comma */
} tb_json;

void tb_json_fixed(tb_json *j, char *buf, size_t cap);   /* write into buf[cap] */
void tb_json_heap(tb_json *j);                           /* write into a growing malloc'd buffer */

void tb_json_raw(tb_json *j, const char *s);             /* verbatim text */
void tb_json_begin(tb_json *j, char bracket);            /* '{' or '[' */
void tb_json_end(tb_json *j, char bracket);              /* '}' or ']' */
void tb_json_key(tb_json *j, const char *name);          /* "name": (comma as needed) */
/* Values: as an array element, or after tb_json_key. */
void tb_json_str(tb_json *j, const char *s);             /* escaped string; NULL → null */
void tb_json_int(tb_json *j, long long v);
void tb_json_real(tb_json *j, double v);                 /* shortest exact form; non-finite → null */
void tb_json_bool(tb_json *j, int v);

/* TB_OK when everything fit; TB_ERR_NOMEM / TB_ERR_ARG (buffer too small) otherwise. */
int tb_json_finish(tb_json *j);

#endif
