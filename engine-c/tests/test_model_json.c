/* test_model_json.c — the JSON reader and writer used for manifests: round trip, exact
 * 64-bit integers, escapes, and errors that give line and column. */
#include "tb_test.h"
#include "../src/util/json.h"
#include <stdlib.h>
#include <string.h>

static tb_json *parse(const char *text, char *err, int n) {
  tb_json *root = NULL;
  tb_json_parse(text, strlen(text), &root, err, n);
  return root;
}

TB_TEST(model_json_writer_round_trips) {
  tb_jw w;
  tb_jw_init(&w);
  tb_jw_begin_object(&w);
  tb_jw_key(&w, "name");   tb_jw_str(&w, "a \"quoted\"\\ line\n\ttab");
  tb_jw_key(&w, "big");    tb_jw_uint(&w, 18446744073709551615ULL);
  tb_jw_key(&w, "neg");    tb_jw_int(&w, -9223372036854775807LL - 1);
  tb_jw_key(&w, "flag");   tb_jw_bool(&w, 0);
  tb_jw_key(&w, "empty");  tb_jw_begin_object(&w); tb_jw_end_object(&w);
  tb_jw_key(&w, "list");
  tb_jw_begin_array(&w); tb_jw_int(&w, 1); tb_jw_int(&w, 2); tb_jw_end_array(&w);
  tb_jw_end_object(&w);
  const char *text = tb_jw_finish(&w);
  TB_CHECK(text != NULL, "writer failed");
  TB_CHECK(strstr(text, "\n  \"flag\": false,\n") != NULL, "not one member per line:\n%s", text);
  char err[128];
  tb_json *root = parse(text, err, sizeof err);
  TB_CHECK(root != NULL, "re-parse failed: %s", err);
  const tb_json *name = tb_json_get(root, "name");
  TB_CHECK(name && strcmp(name->text, "a \"quoted\"\\ line\n\ttab") == 0, "string round trip");
  uint64_t big = 0;
  int64_t neg = 0;
  TB_CHECK(tb_json_uint64(tb_json_get(root, "big"), &big) == 0 && big == 18446744073709551615ULL, "u64");
  TB_CHECK(tb_json_int64(tb_json_get(root, "neg"), &neg) == 0 && neg == -9223372036854775807LL - 1, "i64");
  TB_CHECK(tb_json_int64(tb_json_get(root, "big"), &neg) == -1, "2^64-1 accepted as int64");
  const tb_json *flag = tb_json_get(root, "flag");
  TB_CHECK(flag && flag->type == TB_JSON_BOOL && flag->boolean == 0, "bool");
  const tb_json *list = tb_json_get(root, "list");
  TB_CHECK(list && list->type == TB_JSON_ARRAY && list->child && list->child->next &&
           strcmp(list->child->next->text, "2") == 0 && !list->child->next->next, "array");
  TB_CHECK(tb_json_get(root, "empty")->child == NULL, "empty object");
  TB_CHECK(tb_json_get(root, "absent") == NULL, "absent key found");
  tb_json_free(root);
  tb_jw_free(&w);
}

TB_TEST(model_json_reader_values) {
  char err[128];
  tb_json *root = parse(" {\"u\": \"\\u00e9\\ud83d\\ude00\", \"f\": -1.5e3, \"n\": null,"
                        " \"t\": true, \"a\": [[], {}]} ", err, sizeof err);
  TB_CHECK(root != NULL, "parse: %s", err);
  TB_CHECK(strcmp(tb_json_get(root, "u")->text, "\xc3\xa9\xf0\x9f\x98\x80") == 0, "\\u to UTF-8");
  const tb_json *f = tb_json_get(root, "f");
  int64_t i;
  TB_CHECK(f->type == TB_JSON_NUMBER && strcmp(f->text, "-1.5e3") == 0, "number text");
  TB_CHECK(tb_json_int64(f, &i) == -1, "a fraction read as an integer");
  TB_CHECK(tb_json_get(root, "n")->type == TB_JSON_NULL, "null");
  TB_CHECK(tb_json_get(root, "t")->boolean == 1, "true");
  tb_json_free(root);
}

TB_TEST(model_json_reader_errors_give_position) {
  static const struct { const char *text, *msg; } cases[] = {
    { "{\n  \"a\": 1,\n  \"b\" 2\n}", "line 3, column 7: expected ':' after member name" },
    { "{\"a\": [1, 2}", "line 1, column 12: expected ',' or ']'" },
    { "{\"a\": tru}", "line 1, column 7: expected a value" },
    { "{\"a\": \"open", "line 1, column 12: unterminated string" },
    { "{\"a\": 01}", "line 1, column 8: expected ',' or '}'" },
    { "{} x", "line 1, column 4: unexpected text after the value" },
    { "{\"a\": \"\\q\"}", "line 1, column 9: invalid escape '\\q'" },
    { "", "line 1, column 1: unexpected end of text" },
  };
  for (int c = 0; c < (int)(sizeof cases / sizeof cases[0]); c++) {
    char err[128];
    tb_json *root = parse(cases[c].text, err, sizeof err);
    TB_CHECK(root == NULL, "case %d parsed", c);
    TB_CHECK(strstr(err, cases[c].msg) != NULL, "case %d: \"%s\" lacks \"%s\"", c, err, cases[c].msg);
  }
  /* deep nesting is refused, not a stack overflow */
  char deep[200];
  memset(deep, '[', sizeof deep - 1);
  deep[sizeof deep - 1] = 0;
  char err[128];
  TB_CHECK(parse(deep, err, sizeof err) == NULL && strstr(err, "nesting deeper than 64"), "deep: %s", err);
}
