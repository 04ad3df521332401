/* describe.c — tb_describe_json: everything the compiled engine has, as one JSON document
 * (keys with types, defaults, ranges and help; presets with record sizes; every plugin
 * registry with availability on this machine; stages, counter names and their meaning). The TypeScript
 * schema for engine settings is derived from it. Built once, kept for the process. */
#include "engine.h"
#include "json_out.h"
#include "../backend/backend.h"
#include "../cache/cache.h"
#include "../io/io.h"
#include "../kernels/kernels.h"
#include "../prefetch/prefetch.h"
#include "../util/common.h"
#include <pthread.h>
#include <stdlib.h>

static const char *const key_type_names[] = { "int", "real", "bool", "enum", "str" };

static void key_values(tb_jout *j, const tb_key *k) {
  char item[128];
  const char *v;
  tb_jout_key(j, "values");
  tb_jout_begin(j, '[');
  for (int i = 0; (v = tb_key_value(k, i, item, sizeof item)); i++) {
    if (k->type == TB_KEY_INT) tb_jout_int(j, atoi(v)); else tb_jout_str(j, v);
  }
  tb_jout_end(j, ']');
}

static void describe_key(tb_jout *j, const tb_key *k) {
  tb_jout_begin(j, '{');
  tb_jout_key(j, "name"); tb_jout_str(j, k->name);
  tb_jout_key(j, "type"); tb_jout_str(j, key_type_names[k->type]);
  tb_jout_key(j, "default");
  switch (k->type) {
    case TB_KEY_INT: tb_jout_int(j, atoi(k->def)); break;
    case TB_KEY_BOOL: tb_jout_bool(j, atoi(k->def)); break;
    case TB_KEY_REAL: tb_jout_real(j, strtod(k->def, NULL)); break;
    default: tb_jout_str(j, k->def);
  }
  if (k->type == TB_KEY_INT || k->type == TB_KEY_REAL) {
    tb_jout_key(j, "min"); tb_jout_real(j, k->min);
    tb_jout_key(j, "max"); tb_jout_real(j, k->max);
  }
  if (k->type == TB_KEY_STR) { tb_jout_key(j, "max_length"); tb_jout_int(j, (long long)k->size - 1); }
  if (k->values || k->registry) key_values(j, k);
  tb_jout_key(j, "help"); tb_jout_str(j, k->help);
  tb_jout_end(j, '}');
}

static void describe_preset(tb_jout *j, const tb_preset *p) {
  const tb_geometry *g = &p->g;
  tb_jout_begin(j, '{');
  tb_jout_key(j, "name"); tb_jout_str(j, p->name);
  tb_jout_key(j, "source"); tb_jout_str(j, p->source);
  tb_jout_key(j, "geometry");
  tb_jout_begin(j, '{');
  tb_jout_key(j, "hidden"); tb_jout_int(j, g->hidden);
  tb_jout_key(j, "ffn"); tb_jout_int(j, g->ffn);
  tb_jout_key(j, "shared_ffn"); tb_jout_int(j, g->shared_ffn);
  tb_jout_key(j, "layers"); tb_jout_int(j, g->layers);
  tb_jout_key(j, "experts"); tb_jout_int(j, g->experts);
  tb_jout_key(j, "k"); tb_jout_int(j, g->k);
  tb_jout_key(j, "group"); tb_jout_int(j, g->group);
  tb_jout_key(j, "bits"); tb_jout_int(j, g->bits);
  tb_jout_key(j, "dense_bits"); tb_jout_int(j, g->dense_bits);
  tb_jout_key(j, "dense_matrices"); tb_jout_int(j, g->dense_matrices);
  tb_jout_end(j, '}');
  /* bytes of one routed expert record at each expert bit width */
  tb_jout_key(j, "record_bytes");
  tb_jout_begin(j, '{');
  for (int bits = 2; bits <= 8; bits *= 2) {
    tb_record_layout rec;
    tb_record_layout_of(g, g->ffn, bits, &rec);
    tb_jout_key(j, bits == 2 ? "2" : bits == 4 ? "4" : "8");
    tb_jout_int(j, rec.size);
  }
  tb_jout_end(j, '}');
  tb_jout_key(j, "resident_layer_bytes"); tb_jout_int(j, tb_model_resident_layer_stride(g));
  tb_jout_end(j, '}');
}

static void describe_plugins(tb_jout *j) {
  char why[256];
  tb_jout_key(j, "policies");
  tb_jout_begin(j, '[');
  for (int i = 0; i < tb_policy_count; i++) {
    tb_jout_begin(j, '{');
    tb_jout_key(j, "name"); tb_jout_str(j, tb_policies[i]->name);
    tb_jout_key(j, "help"); tb_jout_str(j, tb_policies[i]->help);
    tb_jout_key(j, "needs_future"); tb_jout_bool(j, tb_policies[i]->needs_future);
    tb_jout_end(j, '}');
  }
  tb_jout_end(j, ']');

  /* aliases: a policy name standing for a policy plus a prefetch predictor */
  tb_jout_key(j, "policy_aliases");
  tb_jout_begin(j, '[');
  for (int i = 0; i < tb_policy_alias_count; i++) {
    const tb_policy_alias *a = &tb_policy_aliases[i];
    tb_jout_begin(j, '{');
    tb_jout_key(j, "name"); tb_jout_str(j, a->name);
    tb_jout_key(j, "policy"); tb_jout_str(j, a->policy);
    tb_jout_key(j, "predictor"); tb_jout_str(j, a->predictor);
    tb_jout_key(j, "help"); tb_jout_str(j, a->help);
    tb_jout_end(j, '}');
  }
  tb_jout_end(j, ']');

  tb_jout_key(j, "prefetchers");
  tb_jout_begin(j, '[');
  for (int i = 0; i < tb_predictor_count; i++) {
    const tb_predictor_ops *p = tb_predictors[i];
    tb_jout_begin(j, '{');
    tb_jout_key(j, "name"); tb_jout_str(j, p->name);
    tb_jout_key(j, "help"); tb_jout_str(j, p->help);
    tb_jout_key(j, "needs_future"); tb_jout_bool(j, p->needs_future);
    tb_jout_key(j, "needs_trace"); tb_jout_bool(j, p->needs_trace);
    tb_jout_end(j, '}');
  }
  tb_jout_end(j, ']');

  tb_jout_key(j, "io_engines");
  tb_jout_begin(j, '[');
  for (int i = 0; i < tb_io_engine_count; i++) {
    const tb_io_ops *io = tb_io_engines[i];
    why[0] = 0;
    int ok = io->available ? io->available(why, sizeof why) : 1;
    tb_jout_begin(j, '{');
    tb_jout_key(j, "name"); tb_jout_str(j, io->name);
    tb_jout_key(j, "help"); tb_jout_str(j, io->help);
    tb_jout_key(j, "moves_bytes"); tb_jout_bool(j, io->moves_bytes);
    tb_jout_key(j, "available"); tb_jout_bool(j, ok);
    if (!ok) { tb_jout_key(j, "why"); tb_jout_str(j, why); }
    tb_jout_end(j, '}');
  }
  tb_jout_end(j, ']');

  tb_jout_key(j, "backends");
  tb_jout_begin(j, '[');
  for (int i = 0; i < tb_backend_count; i++) {
    why[0] = 0;
    int ok = tb_backends[i]->available(why, sizeof why);
    tb_jout_begin(j, '{');
    tb_jout_key(j, "name"); tb_jout_str(j, tb_backends[i]->name);
    tb_jout_key(j, "help"); tb_jout_str(j, tb_backends[i]->help);
    tb_jout_key(j, "available"); tb_jout_bool(j, ok);
    if (!ok) { tb_jout_key(j, "why"); tb_jout_str(j, why); }
    tb_jout_end(j, '}');
  }
  tb_jout_end(j, ']');

  tb_jout_key(j, "kernels");
  tb_jout_begin(j, '[');
  for (int i = 0; i < tb_kernel_variant_count; i++) {
    const tb_kernel_variant *kv = &tb_kernel_variants[i];
    tb_jout_begin(j, '{');
    tb_jout_key(j, "name"); tb_jout_str(j, kv->name);
    tb_jout_key(j, "available"); tb_jout_bool(j, kv->available());
    tb_jout_key(j, "bits");
    tb_jout_begin(j, '[');
    for (int bits = 2; bits <= 8; bits *= 2)
      if (kv->fn[bits]) tb_jout_int(j, bits);
    tb_jout_end(j, ']');
    tb_jout_end(j, '}');
  }
  tb_jout_end(j, ']');
}

static void name_list(tb_jout *j, const char *key, const char *const *names, int n) {
  tb_jout_key(j, key);
  tb_jout_begin(j, '[');
  for (int i = 0; i < n; i++) tb_jout_str(j, names[i]);
  tb_jout_end(j, ']');
}

static char *described;
static int describe_status;

static void build(void) {
  tb_jout j;
  tb_jout_heap(&j);
  tb_jout_begin(&j, '{');
  tb_jout_key(&j, "abi"); tb_jout_int(&j, TB_ABI_VERSION);
  tb_jout_key(&j, "keys");
  tb_jout_begin(&j, '[');
  for (int i = 0; i < tb_key_count; i++) describe_key(&j, &tb_keys[i]);
  tb_jout_end(&j, ']');
  tb_jout_key(&j, "presets");
  tb_jout_begin(&j, '[');
  for (int i = 0; i < tb_preset_count; i++) describe_preset(&j, &tb_presets[i]);
  tb_jout_end(&j, ']');
  describe_plugins(&j);
  name_list(&j, "stages", tb_stage_names, TB_STAGE_COUNT);
  name_list(&j, "counters", tb_counter_names, TB_COUNTER_COUNT);
  tb_jout_key(&j, "counter_help");   /* one line of meaning per counter */
  tb_jout_begin(&j, '{');
  for (int i = 0; i < TB_COUNTER_COUNT; i++) {
    tb_jout_key(&j, tb_counter_names[i]);
    tb_jout_str(&j, tb_counter_help[i] ? tb_counter_help[i] : "");
  }
  tb_jout_end(&j, '}');
  name_list(&j, "layer_counters", tb_layer_counter_names, TB_LAYER_COUNTER_COUNT);
  tb_jout_end(&j, '}');
  describe_status = tb_jout_finish(&j);
  if (describe_status == TB_OK) described = j.buf; else free(j.buf);
}

TB_EXPORT const char *tb_describe_json(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, build);
  if (!described) tb_fail(TB_ERR_NOMEM, "tb_describe_json: out of memory building the description");
  return described;
}
