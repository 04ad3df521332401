/* json.c — the JSON reader (recursive descent, depth-limited, UTF-8 passed through, \u escapes
 * encoded as UTF-8) and the pretty-printing writer declared in json.h. */
#include "json.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

/* ---- reader ---------------------------------------------------------------------------- */

typedef struct {
  const char *s, *end;
  const char *line_start;
  int line;
  tb_json *nodes;       /* allocation list, newest first */
  char *err;
  int err_len;
  int failed;
} parser;

static void perr(parser *p, const char *fmt, ...) {
  if (p->failed) return;
  p->failed = 1;
  int n = snprintf(p->err, p->err_len, "line %d, column %d: ", p->line,
                   (int)(p->s - p->line_start) + 1);
  if (n < 0 || n >= p->err_len) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err + n, p->err_len - n, fmt, ap);
  va_end(ap);
}

static void skip_ws(parser *p) {
  while (p->s < p->end) {
    char c = *p->s;
    if (c == '\n') { p->line++; p->line_start = p->s + 1; }
    else if (c != ' ' && c != '\t' && c != '\r') return;
    p->s++;
  }
}

static tb_json *new_node(parser *p, tb_json_type t) {
  tb_json *n = calloc(1, sizeof *n);
  if (!n) { perr(p, "out of memory"); return NULL; }
  n->type = t;
  n->line = p->line;
  n->alloc_next = p->nodes;
  p->nodes = n;
  return n;
}

static void put_utf8(char *out, size_t *len, unsigned cp) {
  if (cp < 0x80) out[(*len)++] = (char)cp;
  else if (cp < 0x800) {
    out[(*len)++] = (char)(0xc0 | (cp >> 6));
    out[(*len)++] = (char)(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out[(*len)++] = (char)(0xe0 | (cp >> 12));
    out[(*len)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[(*len)++] = (char)(0x80 | (cp & 0x3f));
  } else {
    out[(*len)++] = (char)(0xf0 | (cp >> 18));
    out[(*len)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[(*len)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[(*len)++] = (char)(0x80 | (cp & 0x3f));
  }
}

static int hex4(parser *p, unsigned *out) {
  if (p->end - p->s < 4) { perr(p, "expected 4 hex digits after \\u"); return -1; }
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p->s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else { perr(p, "expected 4 hex digits after \\u"); return -1; }
  }
  p->s += 4;
  *out = v;
  return 0;
}

/* At the opening quote. Returns a malloc'd unescaped string (escapes never grow the text:
 * \uXXXX is 6 bytes and encodes to at most 3, a surrogate pair is 12 and encodes to 4). */
static char *parse_string(parser *p) {
  const char *start = ++p->s;
  while (p->s < p->end && *p->s != '"') p->s += *p->s == '\\' ? 2 : 1;
  if (p->s >= p->end) { p->s = p->end; perr(p, "unterminated string"); return NULL; }
  size_t cap = (size_t)(p->s - start) + 1;
  p->s = start;
  char *out = malloc(cap);
  if (!out) { perr(p, "out of memory"); return NULL; }
  size_t len = 0;
  while (*p->s != '"') {
    unsigned char c = (unsigned char)*p->s;
    if (c < 0x20) { perr(p, "control character in string (escape it)"); free(out); return NULL; }
    if (c != '\\') { out[len++] = (char)c; p->s++; continue; }
    p->s++;
    char e = *p->s++;
    switch (e) {
      case '"': out[len++] = '"'; break;
      case '\\': out[len++] = '\\'; break;
      case '/': out[len++] = '/'; break;
      case 'b': out[len++] = '\b'; break;
      case 'f': out[len++] = '\f'; break;
      case 'n': out[len++] = '\n'; break;
      case 'r': out[len++] = '\r'; break;
      case 't': out[len++] = '\t'; break;
      case 'u': {
        unsigned cp;
        if (hex4(p, &cp)) { free(out); return NULL; }
        if (cp >= 0xd800 && cp < 0xdc00) {
          unsigned lo;
          if (p->end - p->s < 2 || p->s[0] != '\\' || p->s[1] != 'u') {
            perr(p, "unpaired surrogate in \\u escape"); free(out); return NULL;
          }
          p->s += 2;
          if (hex4(p, &lo)) { free(out); return NULL; }
          if (lo < 0xdc00 || lo >= 0xe000) { perr(p, "invalid low surrogate"); free(out); return NULL; }
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        }
        if (cp == 0) { perr(p, "\\u0000 is not allowed"); free(out); return NULL; }
        put_utf8(out, &len, cp);
        break;
      }
      default:
        p->s--;
        perr(p, "invalid escape '\\%c'", e);
        free(out);
        return NULL;
    }
  }
  p->s++;  /* closing quote */
  out[len] = 0;
  return out;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static char *parse_number(parser *p) {
  const char *start = p->s;
  if (p->s < p->end && *p->s == '-') p->s++;
  if (p->s >= p->end || !is_digit(*p->s)) { perr(p, "expected a digit"); return NULL; }
  if (*p->s == '0') p->s++;
  else while (p->s < p->end && is_digit(*p->s)) p->s++;
  if (p->s < p->end && *p->s == '.') {
    p->s++;
    if (p->s >= p->end || !is_digit(*p->s)) { perr(p, "expected a digit after '.'"); return NULL; }
    while (p->s < p->end && is_digit(*p->s)) p->s++;
  }
  if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
    p->s++;
    if (p->s < p->end && (*p->s == '+' || *p->s == '-')) p->s++;
    if (p->s >= p->end || !is_digit(*p->s)) { perr(p, "expected a digit in the exponent"); return NULL; }
    while (p->s < p->end && is_digit(*p->s)) p->s++;
  }
  size_t n = (size_t)(p->s - start);
  char *out = malloc(n + 1);
  if (!out) { perr(p, "out of memory"); return NULL; }
  memcpy(out, start, n);
  out[n] = 0;
  return out;
}

static int literal(parser *p, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n) != 0) return 0;
  p->s += n;
  return 1;
}

static tb_json *parse_value(parser *p, int depth);

static tb_json *parse_container(parser *p, int depth, int is_object) {
  tb_json *node = new_node(p, is_object ? TB_JSON_OBJECT : TB_JSON_ARRAY);
  if (!node) return NULL;
  char close = is_object ? '}' : ']';
  p->s++;
  skip_ws(p);
  if (p->s < p->end && *p->s == close) { p->s++; return node; }
  tb_json **tail = &node->child;
  for (;;) {
    char *key = NULL;
    if (is_object) {
      skip_ws(p);
      if (p->s >= p->end || *p->s != '"') { perr(p, "expected a member name in double quotes"); return NULL; }
      key = parse_string(p);
      if (!key) return NULL;
      skip_ws(p);
      if (p->s >= p->end || *p->s != ':') { free(key); perr(p, "expected ':' after member name"); return NULL; }
      p->s++;
    }
    tb_json *v = parse_value(p, depth + 1);
    if (!v) { free(key); return NULL; }
    v->key = key;
    *tail = v;
    tail = &v->next;
    skip_ws(p);
    if (p->s < p->end && *p->s == ',') { p->s++; continue; }
    if (p->s < p->end && *p->s == close) { p->s++; return node; }
    perr(p, "expected ',' or '%c'", close);
    return NULL;
  }
}

static tb_json *parse_value(parser *p, int depth) {
  skip_ws(p);
  if (depth > MAX_DEPTH) { perr(p, "nesting deeper than %d", MAX_DEPTH); return NULL; }
  if (p->s >= p->end) { perr(p, "unexpected end of text, expected a value"); return NULL; }
  char c = *p->s;
  if (c == '{' || c == '[') return parse_container(p, depth, c == '{');
  if (c == '"') {
    tb_json *n = new_node(p, TB_JSON_STRING);
    if (n) n->text = parse_string(p);
    return n && n->text ? n : NULL;
  }
  if (c == '-' || is_digit(c)) {
    tb_json *n = new_node(p, TB_JSON_NUMBER);
    if (n) n->text = parse_number(p);
    return n && n->text ? n : NULL;
  }
  int is_true = literal(p, "true");
  if (is_true || literal(p, "false")) {
    tb_json *n = new_node(p, TB_JSON_BOOL);
    if (n) n->boolean = is_true;
    return n;
  }
  if (literal(p, "null")) return new_node(p, TB_JSON_NULL);
  perr(p, "expected a value (object, array, string, number, true, false or null)");
  return NULL;
}

static void free_list(tb_json *n) {
  while (n) {
    tb_json *next = n->alloc_next;
    free(n->key);
    free(n->text);
    free(n);
    n = next;
  }
}

int tb_json_parse(const char *text, size_t n, tb_json **out, char *err, int err_len) {
  parser p = { .s = text, .end = text + n, .line_start = text, .line = 1,
               .err = err, .err_len = err_len };
  if (err_len > 0) err[0] = 0;
  tb_json *root = parse_value(&p, 0);
  if (root) {
    skip_ws(&p);
    if (p.s < p.end) perr(&p, "unexpected text after the value");
  }
  if (p.failed || !root) { free_list(p.nodes); *out = NULL; return -1; }
  /* The root is the first node allocated, so it is last in the list: make it the head so
   * tb_json_free(root) frees the whole document. */
  tb_json **link = &p.nodes;
  while (*link != root) link = &(*link)->alloc_next;
  *link = root->alloc_next;
  root->alloc_next = p.nodes;
  *out = root;
  return 0;
}

void tb_json_free(tb_json *root) { free_list(root); }

const char *tb_json_type_name(tb_json_type t) {
  static const char *const names[] = { "null", "boolean", "number", "string", "array", "object" };
  return (unsigned)t < 6 ? names[t] : "?";
}

const tb_json *tb_json_get(const tb_json *obj, const char *key) {
  if (!obj || obj->type != TB_JSON_OBJECT) return NULL;
  for (const tb_json *c = obj->child; c; c = c->next)
    if (strcmp(c->key, key) == 0) return c;
  return NULL;
}

int tb_json_uint64(const tb_json *node, uint64_t *out) {
  if (!node || node->type != TB_JSON_NUMBER || node->text[0] == '-') return -1;
  uint64_t v = 0;
  for (const char *c = node->text; *c; c++) {
    if (!is_digit(*c)) return -1;   /* fraction or exponent */
    unsigned d = (unsigned)(*c - '0');
    if (v > (UINT64_MAX - d) / 10) return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

int tb_json_int64(const tb_json *node, int64_t *out) {
  if (!node || node->type != TB_JSON_NUMBER) return -1;
  int neg = node->text[0] == '-';
  tb_json tmp = *node;
  tmp.text = node->text + neg;
  uint64_t mag;
  if (tb_json_uint64(&tmp, &mag)) return -1;
  if (!neg && mag > (uint64_t)INT64_MAX) return -1;
  if (neg && mag > (uint64_t)INT64_MAX + 1) return -1;
  *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
  return 0;
}

/* ---- writer ---------------------------------------------------------------------------- */

static void put(tb_jw *w, const char *s, size_t n) {
  if (w->failed) return;
  if (w->len + n + 1 > w->cap) {
    size_t cap = w->cap ? w->cap : 256;
    while (w->len + n + 1 > cap) cap *= 2;
    char *b = realloc(w->buf, cap);
    if (!b) { w->failed = 1; return; }
    w->buf = b;
    w->cap = cap;
  }
  memcpy(w->buf + w->len, s, n);
  w->len += n;
  w->buf[w->len] = 0;
}

static void puts_(tb_jw *w, const char *s) { put(w, s, strlen(s)); }

static void newline_indent(tb_jw *w) {
  put(w, "\n", 1);
  for (int i = 0; i < w->depth; i++) put(w, "  ", 2);
}

/* Separator and indentation before a value or key in the current container. */
static void before_item(tb_jw *w) {
  if (w->after_key) { w->after_key = 0; return; }
  if (w->depth == 0) return;
  if (w->count[w->depth - 1]++) put(w, ",", 1);
  newline_indent(w);
}

void tb_jw_init(tb_jw *w) { memset(w, 0, sizeof *w); }

static void begin(tb_jw *w, const char *open) {
  before_item(w);
  puts_(w, open);
  if (w->depth >= (int)(sizeof w->count / sizeof w->count[0])) { w->failed = 1; return; }
  w->count[w->depth++] = 0;
}

static void end(tb_jw *w, const char *close) {
  if (w->depth == 0) { w->failed = 1; return; }
  int had = w->count[--w->depth];
  if (had) newline_indent(w);
  puts_(w, close);
}

void tb_jw_begin_object(tb_jw *w) { begin(w, "{"); }
void tb_jw_end_object(tb_jw *w) { end(w, "}"); }
void tb_jw_begin_array(tb_jw *w) { begin(w, "["); }
void tb_jw_end_array(tb_jw *w) { end(w, "]"); }

static void quoted(tb_jw *w, const char *s) {
  put(w, "\"", 1);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    char esc[8];
    switch (*c) {
      case '"': puts_(w, "\\\""); break;
      case '\\': puts_(w, "\\\\"); break;
      case '\n': puts_(w, "\\n"); break;
      case '\r': puts_(w, "\\r"); break;
      case '\t': puts_(w, "\\t"); break;
      default:
        if (*c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", *c); puts_(w, esc); }
        else put(w, (const char *)c, 1);
    }
  }
  put(w, "\"", 1);
}

void tb_jw_key(tb_jw *w, const char *key) {
  before_item(w);
  quoted(w, key);
  puts_(w, ": ");
  w->after_key = 1;
}

void tb_jw_str(tb_jw *w, const char *s) { before_item(w); quoted(w, s); }

void tb_jw_int(tb_jw *w, int64_t v) {
  char b[32];
  snprintf(b, sizeof b, "%lld", (long long)v);
  before_item(w);
  puts_(w, b);
}

void tb_jw_uint(tb_jw *w, uint64_t v) {
  char b[32];
  snprintf(b, sizeof b, "%llu", (unsigned long long)v);
  before_item(w);
  puts_(w, b);
}

void tb_jw_bool(tb_jw *w, int v) { before_item(w); puts_(w, v ? "true" : "false"); }

const char *tb_jw_finish(tb_jw *w) {
  put(w, "\n", 1);
  return w->failed || w->depth ? NULL : w->buf;
}

void tb_jw_free(tb_jw *w) { free(w->buf); memset(w, 0, sizeof *w); }
