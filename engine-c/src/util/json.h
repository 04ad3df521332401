/* json.h — a small JSON reader (text → tree of nodes, errors with line and column) and a
 * pretty-printing writer (one member per line), enough for tierbench's own files such as the
 * model manifest. No dependencies beyond libc. */
#ifndef TB_JSON_H
#define TB_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  TB_JSON_NULL, TB_JSON_BOOL, TB_JSON_NUMBER, TB_JSON_STRING, TB_JSON_ARRAY, TB_JSON_OBJECT
} tb_json_type;

typedef struct tb_json tb_json;
struct tb_json {
  tb_json_type type;
  char *key;          /* member name when the parent is an object, else NULL */
  char *text;         /* STRING: the unescaped value; NUMBER: the literal as written */
  int boolean;        /* BOOL: 0 or 1 */
  int line;           /* 1-based line of the value in the source text */
  tb_json *child;     /* ARRAY / OBJECT: first element or member */
  tb_json *next;      /* next sibling */
  tb_json *alloc_next;/* every node of a document, for tb_json_free */
};

/* Parse text[0..n). On success *out is the root (free with tb_json_free). On failure returns
 * -1 and writes "line L, column C: <what was expected>" into err. */
int tb_json_parse(const char *text, size_t n, tb_json **out, char *err, int err_len);
void tb_json_free(tb_json *root);
const char *tb_json_type_name(tb_json_type t);

/* Member `key` of an object (NULL if absent or not an object). */
const tb_json *tb_json_get(const tb_json *obj, const char *key);
/* Integer value of a NUMBER written without fraction or exponent, exactly (no double
 * rounding). Returns 0, or -1 when the node is not such a number or does not fit. */
int tb_json_int64(const tb_json *node, int64_t *out);
int tb_json_uint64(const tb_json *node, uint64_t *out);

/* Writer: builds pretty-printed JSON in a growing buffer. Errors (allocation) are sticky:
 * check tb_jw_finish. Calls inside an object must alternate tb_jw_key and a value. */
typedef struct {
  char *buf;
  size_t len, cap;
  int depth;          /* open containers */
  int count[32];      /* values written so far per open container */
  int after_key;      /* 1 right after tb_jw_key: the next value goes on the same line */
  int failed;
} tb_jw;

void tb_jw_init(tb_jw *w);
void tb_jw_begin_object(tb_jw *w);
void tb_jw_end_object(tb_jw *w);
void tb_jw_begin_array(tb_jw *w);
void tb_jw_end_array(tb_jw *w);
void tb_jw_key(tb_jw *w, const char *key);
void tb_jw_str(tb_jw *w, const char *s);
void tb_jw_int(tb_jw *w, int64_t v);
void tb_jw_uint(tb_jw *w, uint64_t v);
void tb_jw_bool(tb_jw *w, int v);
/* Ends the text with a newline. Returns the NUL-terminated text (owned by w) or NULL if an
 * allocation failed or containers are still open. */
const char *tb_jw_finish(tb_jw *w);
void tb_jw_free(tb_jw *w);

#endif
