/* json_out.h — the compact JSON writer for the ABI's exported text (tb_config_json,
 * tb_describe_json): reals, a caller's fixed buffer or a growing one; overflow or out-of-memory
 * is reported once by tb_jout_finish. (util/json.h's writer pretty-prints files such as the manifest.) */
#ifndef TB_API_JSON_OUT_H
#define TB_API_JSON_OUT_H

#include <stddef.h>

typedef struct {
  char *buf;
  size_t len;        /* bytes written so far (excluding the terminating NUL) */
  size_t cap;        /* bytes available in buf, NUL included */
  int grow;          /* 1: buf is heap memory that may be realloc'd */
  int failed;        /* 1: ran out of room (fixed buffer) or of memory (growing) */
  int need_comma;    /* 1: the next member/element needs a leading comma */
} tb_jout;

void tb_jout_fixed(tb_jout *j, char *buf, size_t cap);   /* write into buf[cap] */
void tb_jout_heap(tb_jout *j);                           /* write into a growing malloc'd buffer */

void tb_jout_raw(tb_jout *j, const char *s);             /* verbatim text */
void tb_jout_begin(tb_jout *j, char bracket);            /* '{' or '[' */
void tb_jout_end(tb_jout *j, char bracket);              /* '}' or ']' */
void tb_jout_key(tb_jout *j, const char *name);          /* "name": (comma as needed) */
/* Values: as an array element, or after tb_jout_key. */
void tb_jout_str(tb_jout *j, const char *s);             /* escaped string; NULL → null */
void tb_jout_int(tb_jout *j, long long v);
void tb_jout_real(tb_jout *j, double v);                 /* shortest exact form; non-finite → null */
void tb_jout_bool(tb_jout *j, int v);

/* TB_OK when everything fit; TB_ERR_NOMEM / TB_ERR_ARG (buffer too small) otherwise. */
int tb_jout_finish(tb_jout *j);

#endif
