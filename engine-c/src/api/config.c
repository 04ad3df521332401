/* config.c — defaults, validated setters and JSON output of tb_config, all driven by the key
 * registry (keys.c). Error messages name the key and say what is allowed. */
#include "config.h"
#include "json_out.h"
#include "../util/common.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name(tb_key_type t) {
  switch (t) {
    case TB_KEY_INT: return "an int";
    case TB_KEY_REAL: return "a real";
    case TB_KEY_BOOL: return "a bool";
    case TB_KEY_ENUM: return "an enum";
    default: return "a string";
  }
}

/* Edit distance, for "did you mean" on unknown keys (names are short). */
static int distance(const char *a, const char *b) {
  int la = (int)strlen(a), lb = (int)strlen(b);
  if (la > 63 || lb > 63) return 99;
  int row[64];
  for (int j = 0; j <= lb; j++) row[j] = j;
  for (int i = 1; i <= la; i++) {
    int diag = row[0];
    row[0] = i;
    for (int j = 1; j <= lb; j++) {
      int up = row[j];
      int sub = diag + (a[i - 1] != b[j - 1]);
      int best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
      row[j] = sub < best ? sub : best;
      diag = up;
    }
  }
  return row[lb];
}

const tb_key *tb_key_find(const char *name) {
  if (!name) { tb_fail(TB_ERR_ARG, "key is NULL"); return NULL; }
  int best = -1, best_d = 4;   /* suggest only close names */
  for (int i = 0; i < tb_key_count; i++) {
    if (strcmp(tb_keys[i].name, name) == 0) return &tb_keys[i];
    int d = distance(name, tb_keys[i].name);
    if (d < best_d) { best_d = d; best = i; }
  }
  if (best >= 0)
    tb_fail(TB_ERR_ARG, "unknown key '%s' (did you mean '%s'?); tb_describe_json lists the %d keys",
            name, tb_keys[best].name, tb_key_count);
  else
    tb_fail(TB_ERR_ARG, "unknown key '%s'; tb_describe_json lists the %d keys", name, tb_key_count);
  return NULL;
}

const char *tb_key_value(const tb_key *k, int i, char *buf, int n) {
  if (i < 0) return NULL;
  if (k->registry) return k->registry(i);
  if (!k->values) return NULL;
  const char *p = k->values;
  for (int at = 0; at < i; at++) {
    p = strchr(p, '|');
    if (!p) return NULL;
    p++;
  }
  int len = (int)strcspn(p, "|");
  if (len >= n) len = n - 1;
  memcpy(buf, p, (size_t)len);
  buf[len] = 0;
  return buf;
}

/* "a, b or c" into out, for messages; "" shown as "" (quoted). */
static const char *allowed_list(const tb_key *k, char *out, int n) {
  char item[128];
  const char *v;
  int len = 0, count = 0;
  while (tb_key_value(k, count, item, sizeof item)) count++;
  out[0] = 0;
  for (int i = 0; i < count && len < n && (v = tb_key_value(k, i, item, sizeof item)); i++) {
    const char *sep = i == 0 ? "" : i == count - 1 ? " or " : ", ";
    len += snprintf(out + len, (size_t)(n - len), "%s%s", sep, v[0] ? v : "\"\" (none)");
  }
  return out;
}

static int value_listed(const tb_key *k, const char *v) {
  char item[128];
  const char *s;
  for (int i = 0; (s = tb_key_value(k, i, item, sizeof item)); i++)
    if (strcmp(s, v) == 0) return 1;
  return 0;
}

static void *field(tb_config *c, const tb_key *k) { return (char *)c + k->offset; }

static int wrong_setter(const tb_key *k, const char *setter) {
  static const char *const by_type[] = { "tb_set_int", "tb_set_real", "tb_set_int", "tb_set_str", "tb_set_str" };
  return tb_fail(TB_ERR_ARG, "%s: is %s key; set it with %s, not %s", k->name, type_name(k->type),
                 by_type[k->type], setter);
}

static int set_int(tb_config *c, const tb_key *k, int v) {
  char allowed[512], num[24];
  if (k->type == TB_KEY_REAL) {           /* ints convert to doubles exactly */
    if (v < k->min || v > k->max)
      return tb_fail(TB_ERR_ARG, "%s: %d is out of range; allowed %.17g..%.17g", k->name, v, k->min, k->max);
    *(double *)field(c, k) = v;
    return TB_OK;
  }
  if (k->type == TB_KEY_BOOL) {
    if (v != 0 && v != 1) return tb_fail(TB_ERR_ARG, "%s: %d is not a bool; allowed 0 or 1", k->name, v);
  } else if (k->type != TB_KEY_INT) {
    return wrong_setter(k, "tb_set_int");
  } else if (k->values) {
    snprintf(num, sizeof num, "%d", v);
    if (!value_listed(k, num))
      return tb_fail(TB_ERR_ARG, "%s: %d is not allowed; allowed %s", k->name, v,
                     allowed_list(k, allowed, sizeof allowed));
  } else if (v < k->min || v > k->max) {
    return tb_fail(TB_ERR_ARG, "%s: %d is out of range; allowed %.0f..%.0f", k->name, v, k->min, k->max);
  }
  *(int *)field(c, k) = v;
  return TB_OK;
}

static int set_real(tb_config *c, const tb_key *k, double v) {
  if (k->type != TB_KEY_REAL) return wrong_setter(k, "tb_set_real");
  if (!(v >= k->min && v <= k->max))      /* also refuses NaN */
    return tb_fail(TB_ERR_ARG, "%s: %g is out of range; allowed %.17g..%.17g", k->name, v, k->min, k->max);
  *(double *)field(c, k) = v;
  return TB_OK;
}

static int set_str(tb_config *c, const tb_key *k, const char *v) {
  char allowed[512];
  if (k->type != TB_KEY_STR && k->type != TB_KEY_ENUM) return wrong_setter(k, "tb_set_str");
  if (!v) return tb_fail(TB_ERR_ARG, "%s: value is NULL", k->name);
  size_t len = strlen(v);
  if (len >= k->size)
    return tb_fail(TB_ERR_ARG, "%s: value is %zu bytes long; at most %zu allowed", k->name, len, k->size - 1);
  if (k->type == TB_KEY_ENUM && !value_listed(k, v))
    return tb_fail(TB_ERR_ARG, "%s: '%s' is not allowed; allowed %s", k->name, v,
                   allowed_list(k, allowed, sizeof allowed));
  memcpy(field(c, k), v, len + 1);
  return TB_OK;
}

int tb_config_set_int(tb_config *c, const char *key, int v) {
  const tb_key *k = tb_key_find(key);
  return k ? set_int(c, k, v) : TB_ERR_ARG;
}

int tb_config_set_real(tb_config *c, const char *key, double v) {
  const tb_key *k = tb_key_find(key);
  return k ? set_real(c, k, v) : TB_ERR_ARG;
}

int tb_config_set_str(tb_config *c, const char *key, const char *v) {
  const tb_key *k = tb_key_find(key);
  return k ? set_str(c, k, v) : TB_ERR_ARG;
}

/* Defaults are written without validation: test_api_config checks that every default would
 * pass its own setter, so a registry edit cannot ship an invalid default. */
void tb_config_defaults(tb_config *c) {
  memset(c, 0, sizeof *c);
  for (int i = 0; i < tb_key_count; i++) {
    const tb_key *k = &tb_keys[i];
    switch (k->type) {
      case TB_KEY_INT: case TB_KEY_BOOL: *(int *)field(c, k) = atoi(k->def); break;
      case TB_KEY_REAL: *(double *)field(c, k) = strtod(k->def, NULL); break;
      default: snprintf(field(c, k), k->size, "%s", k->def);
    }
  }
}

int tb_config_json_capacity(void) {
  int bytes = 2;
  for (int i = 0; i < tb_key_count; i++)   /* "name":value, with \u00XX (6 bytes) per string byte */
    bytes += (int)strlen(tb_keys[i].name) + 4 + 32 + (int)tb_keys[i].size * 6;
  return bytes;
}

int tb_config_to_json(const tb_config *c, char *buf, int n) {
  tb_jout j;
  tb_jout_fixed(&j, buf, n > 0 ? (size_t)n : 0);
  tb_jout_begin(&j, '{');
  for (int i = 0; i < tb_key_count; i++) {
    const tb_key *k = &tb_keys[i];
    const void *f = (const char *)c + k->offset;
    tb_jout_key(&j, k->name);
    switch (k->type) {
      case TB_KEY_INT: tb_jout_int(&j, *(const int *)f); break;
      case TB_KEY_BOOL: tb_jout_bool(&j, *(const int *)f); break;
      case TB_KEY_REAL: tb_jout_real(&j, *(const double *)f); break;
      default: tb_jout_str(&j, (const char *)f);
    }
  }
  tb_jout_end(&j, '}');
  int rc = tb_jout_finish(&j);
  return rc < 0 ? rc : (int)j.len;
}
