/* test_api_config.c — the key registry and tb_config: every field is a key, every default is
 * valid, bad values and unknown keys fail with messages naming the key and what is allowed,
 * plugin enums follow the compiled registries, and the JSON form is exact. */
#include "tb_test.h"
#include "../src/api/config.h"
#include "../src/cache/cache.h"
#include "../src/kernels/kernels.h"
#include "../src/util/common.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int contains(const char *s, const char *part) { return s && strstr(s, part) != NULL; }

static int set_default(tb_config *c, const tb_key *k) {
  switch (k->type) {
    case TB_KEY_INT: case TB_KEY_BOOL: return tb_config_set_int(c, k->name, atoi(k->def));
    case TB_KEY_REAL: return tb_config_set_real(c, k->name, strtod(k->def, NULL));
    default: return tb_config_set_str(c, k->name, k->def);
  }
}

TB_TEST(api_config_defaults_pass_their_setters) {
  tb_config c, d;
  tb_config_defaults(&c);
  memcpy(&d, &c, sizeof c);
  for (int i = 0; i < tb_key_count; i++) {
    int rc = set_default(&c, &tb_keys[i]);
    TB_CHECK(rc == TB_OK, "%s: default '%s' refused: %s", tb_keys[i].name, tb_keys[i].def, tb_last_error());
  }
  TB_CHECK(memcmp(&c, &d, sizeof c) == 0, "setting every default changed the defaults");
}

static size_t align_of(tb_key_type t) { return t == TB_KEY_REAL ? sizeof(double) : t == TB_KEY_STR || t == TB_KEY_ENUM ? 1 : sizeof(int); }

/* Every byte of tb_config belongs to a key, except the padding the compiler must insert. */
TB_TEST(api_config_every_field_is_a_key) {
  int order[256], n = tb_key_count;
  TB_CHECK(n <= 256, "too many keys for this test");
  for (int i = 0; i < n; i++) order[i] = i;
  for (int i = 1; i < n; i++)   /* insertion sort by offset */
    for (int j = i; j > 0 && tb_keys[order[j]].offset < tb_keys[order[j - 1]].offset; j--) {
      int t = order[j]; order[j] = order[j - 1]; order[j - 1] = t;
    }
  size_t end = 0;
  for (int i = 0; i < n; i++) {
    const tb_key *k = &tb_keys[order[i]];
    size_t a = align_of(k->type), padded = (end + a - 1) / a * a;
    TB_CHECK(k->offset == padded, "%s at offset %zu: expected %zu (a field before it has no key, or keys overlap)",
             k->name, k->offset, padded);
    end = k->offset + k->size;
  }
  TB_CHECK(sizeof(tb_config) - end < sizeof(double), "tb_config ends %zu bytes after its last key",
           sizeof(tb_config) - end);
}

TB_TEST(api_config_names_are_unique_and_dotted) {
  for (int i = 0; i < tb_key_count; i++) {
    TB_CHECK(strchr(tb_keys[i].name, '.') != NULL, "%s: not section.name", tb_keys[i].name);
    TB_CHECK(tb_keys[i].help && tb_keys[i].help[0], "%s: no help", tb_keys[i].name);
    for (int j = 0; j < i; j++)
      TB_CHECK(strcmp(tb_keys[i].name, tb_keys[j].name) != 0, "%s: listed twice", tb_keys[i].name);
  }
}

/* One bad value per key, by type: the message names the key and what is allowed. */
TB_TEST(api_config_bad_value_names_key_and_allowed) {
  tb_config c;
  tb_config_defaults(&c);
  char long_value[8192];
  memset(long_value, 'x', sizeof long_value - 1);
  long_value[sizeof long_value - 1] = 0;
  for (int i = 0; i < tb_key_count; i++) {
    const tb_key *k = &tb_keys[i];
    int rc;
    const char *allowed;
    switch (k->type) {
      case TB_KEY_INT:
        if (k->values) { rc = tb_config_set_int(&c, k->name, 3); allowed = "allowed"; }
        else { rc = tb_config_set_int(&c, k->name, (int)k->min - 1); allowed = ".."; }
        break;
      case TB_KEY_BOOL: rc = tb_config_set_int(&c, k->name, 2); allowed = "0 or 1"; break;
      case TB_KEY_REAL: rc = tb_config_set_real(&c, k->name, NAN); allowed = ".."; break;
      case TB_KEY_ENUM: rc = tb_config_set_str(&c, k->name, "no-such-value"); allowed = "allowed"; break;
      default: rc = tb_config_set_str(&c, k->name, long_value); allowed = "at most"; break;
    }
    TB_CHECK(rc == TB_ERR_ARG, "%s: bad value accepted (rc %d)", k->name, rc);
    TB_CHECK(contains(tb_last_error(), k->name) && contains(tb_last_error(), allowed),
             "%s: message '%s' does not name the key and '%s'", k->name, tb_last_error(), allowed);
  }
  tb_config d;
  tb_config_defaults(&d);
  TB_CHECK(memcmp(&c, &d, sizeof c) == 0, "a refused value changed the config");
}

TB_TEST(api_config_ranges_inclusive) {
  tb_config c;
  tb_config_defaults(&c);
  TB_CHECK_OK(tb_config_set_int(&c, "io.threads", 1));
  TB_CHECK_OK(tb_config_set_int(&c, "io.threads", 64));
  TB_CHECK(c.io_threads == 64, "io.threads = %d", c.io_threads);
  TB_CHECK(tb_config_set_int(&c, "io.threads", 65) == TB_ERR_ARG, "65 accepted");
  TB_CHECK(contains(tb_last_error(), "io.threads: 65 is out of range; allowed 1..64"), "%s", tb_last_error());
  TB_CHECK_OK(tb_config_set_real(&c, "routing.reuse", 1.0));
  TB_CHECK(tb_config_set_real(&c, "routing.reuse", 1.0000001) == TB_ERR_ARG, "reuse > 1 accepted");
  TB_CHECK(tb_config_set_real(&c, "routing.zipf", INFINITY) == TB_ERR_ARG, "inf accepted");
  TB_CHECK_OK(tb_config_set_int(&c, "dense.passes", 3));   /* an int is an exact real */
  TB_CHECK(c.dense_passes == 3.0, "dense.passes = %g", c.dense_passes);
  TB_CHECK_OK(tb_config_set_real(&c, "cache.budget_bytes", 9007199254740992.0));
  TB_CHECK(c.cache_budget_bytes == 9007199254740992.0, "2^53 bytes not kept exactly");
}

TB_TEST(api_config_wrong_setter_named) {
  tb_config c;
  tb_config_defaults(&c);
  TB_CHECK(tb_config_set_str(&c, "io.threads", "4") == TB_ERR_ARG, "string accepted for an int");
  TB_CHECK(contains(tb_last_error(), "io.threads") && contains(tb_last_error(), "tb_set_int"), "%s", tb_last_error());
  TB_CHECK(tb_config_set_real(&c, "io.threads", 4.0) == TB_ERR_ARG, "real accepted for an int");
  TB_CHECK(tb_config_set_int(&c, "io.engine", 1) == TB_ERR_ARG, "int accepted for an enum");
  TB_CHECK(contains(tb_last_error(), "tb_set_str"), "%s", tb_last_error());
}

TB_TEST(api_config_unknown_key_suggests) {
  tb_config c;
  tb_config_defaults(&c);
  TB_CHECK(tb_config_set_int(&c, "io.thread", 4) == TB_ERR_ARG, "unknown key accepted");
  TB_CHECK(contains(tb_last_error(), "unknown key 'io.thread'") && contains(tb_last_error(), "did you mean 'io.threads'"),
           "%s", tb_last_error());
  TB_CHECK(tb_config_set_str(&c, "completely.different", "x") == TB_ERR_ARG, "unknown key accepted");
  TB_CHECK(contains(tb_last_error(), "unknown key 'completely.different'") && !contains(tb_last_error(), "did you mean"),
           "%s", tb_last_error());
  TB_CHECK(tb_config_set_int(&c, NULL, 1) == TB_ERR_ARG, "NULL key accepted");
}

/* Plugin enums take exactly the compiled registry's names. */
TB_TEST(api_config_plugin_enums_follow_registries) {
  tb_config c;
  tb_config_defaults(&c);
  for (int i = 0; i < tb_policy_count; i++) {
    TB_CHECK_OK(tb_config_set_str(&c, "cache.policy", tb_policies[i]->name));
    TB_CHECK(strcmp(c.cache_policy, tb_policies[i]->name) == 0, "cache.policy not stored");
  }
  TB_CHECK_OK(tb_config_set_str(&c, "kernel.variant", "auto"));
  for (int i = 0; i < tb_kernel_variant_count; i++)
    TB_CHECK_OK(tb_config_set_str(&c, "kernel.variant", tb_kernel_variants[i].name));
  TB_CHECK_OK(tb_config_set_str(&c, "model.preset", ""));
  for (int i = 0; i < tb_preset_count; i++) TB_CHECK_OK(tb_config_set_str(&c, "model.preset", tb_presets[i].name));
  TB_CHECK(tb_config_set_str(&c, "cache.policy", "nonesuch") == TB_ERR_ARG, "unknown policy accepted");
  /* the message lists every compiled policy */
  for (int i = 0; i < tb_policy_count; i++)
    TB_CHECK(contains(tb_last_error(), tb_policies[i]->name), "'%s' missing from: %s", tb_policies[i]->name, tb_last_error());
}

TB_TEST(api_config_int_value_lists) {
  tb_config c;
  tb_config_defaults(&c);
  for (int b = 2; b <= 8; b *= 2) {
    TB_CHECK_OK(tb_config_set_int(&c, "model.bits", b));
    TB_CHECK(c.model_bits == b, "model.bits = %d", c.model_bits);
  }
  TB_CHECK(tb_config_set_int(&c, "model.bits", 6) == TB_ERR_ARG, "6 bits accepted");
  TB_CHECK(contains(tb_last_error(), "-1, 2, 4 or 8"), "%s", tb_last_error());
}

TB_TEST(api_config_json_exact) {
  tb_config c;
  tb_config_defaults(&c);
  TB_CHECK_OK(tb_config_set_int(&c, "io.threads", 7));
  TB_CHECK_OK(tb_config_set_real(&c, "dense.passes", 0.1));
  TB_CHECK_OK(tb_config_set_str(&c, "model.dir", "a\"b\\c\nd"));
  char buf[1 << 16];
  int n = tb_config_to_json(&c, buf, sizeof buf);
  TB_CHECK(n > 0 && (size_t)n == strlen(buf), "length %d vs %zu", n, strlen(buf));
  TB_CHECK(buf[0] == '{' && buf[n - 1] == '}', "not an object: %s", buf);
  TB_CHECK(contains(buf, "\"io.threads\":7,"), "%s", buf);
  TB_CHECK(contains(buf, "\"dense.passes\":0.1,"), "0.1 not shortest: %s", buf);
  TB_CHECK(contains(buf, "\"model.dir\":\"a\\\"b\\\\c\\nd\""), "escaping: %s", buf);
  for (int i = 0; i < tb_key_count; i++) {
    char quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\":", tb_keys[i].name);
    TB_CHECK(contains(buf, quoted), "%s missing from the JSON", tb_keys[i].name);
  }
  TB_CHECK(tb_config_to_json(&c, buf, 64) == TB_ERR_ARG, "overflow not reported");

  /* worst case: every string key full of control characters (each escaped to 6 bytes) */
  for (int i = 0; i < tb_key_count; i++)
    if (tb_keys[i].type == TB_KEY_STR) memset((char *)&c + tb_keys[i].offset, 0x01, tb_keys[i].size - 1);
  static char big[1 << 17];
  TB_CHECK(tb_config_json_capacity() <= (int)sizeof big, "capacity %d", tb_config_json_capacity());
  n = tb_config_to_json(&c, big, tb_config_json_capacity());
  TB_CHECK(n > 0 && strstr(big, "\\u0001\\u0001"), "worst case did not fit: %d %s", n, tb_last_error());
}

TB_TEST(api_config_geometry_from_preset_and_keys) {
  tb_config c;
  tb_geometry g;
  tb_config_defaults(&c);
  TB_CHECK(tb_config_geometry(&c, &g) == TB_ERR_ARG, "custom geometry with nothing set accepted");
  TB_CHECK(contains(tb_last_error(), "model.hidden: not set"), "%s", tb_last_error());

  const tb_preset *p = &tb_presets[0];
  TB_CHECK_OK(tb_config_set_str(&c, "model.preset", p->name));
  TB_CHECK_OK(tb_config_set_int(&c, "model.layers", 3));
  TB_CHECK_OK(tb_config_set_int(&c, "model.bits", 2));
  TB_CHECK_OK(tb_config_geometry(&c, &g));
  TB_CHECK(g.layers == 3 && g.bits == 2, "overrides lost: layers %d bits %d", g.layers, g.bits);
  TB_CHECK(g.hidden == p->g.hidden && g.ffn == p->g.ffn && g.experts == p->g.experts && g.k == p->g.k &&
           g.group == p->g.group && g.shared_ffn == p->g.shared_ffn && g.dense_matrices == p->g.dense_matrices,
           "preset geometry not applied");

  tb_config_defaults(&c);   /* custom: every key, k defaulted to min(4, experts) */
  const char *keys[] = { "model.hidden", "model.ffn", "model.shared_ffn", "model.layers", "model.experts",
                         "model.group", "model.bits", "model.dense_bits", "model.dense_matrices" };
  const int vals[] = { 128, 64, 0, 2, 3, 32, 8, 4, 0 };
  for (int i = 0; i < 9; i++) TB_CHECK_OK(tb_config_set_int(&c, keys[i], vals[i]));
  TB_CHECK_OK(tb_config_geometry(&c, &g));
  TB_CHECK(g.k == 3 && g.shared_ffn == 0 && g.dense_matrices == 0 && g.group == 32, "custom geometry: k %d", g.k);
  TB_CHECK_OK(tb_config_set_int(&c, "model.group", 96));   /* does not divide 128 */
  TB_CHECK(tb_config_geometry(&c, &g) == TB_ERR_ARG, "group 96 with hidden 128 accepted");
}
