/* config_geometry.c — the geometry a configuration asks to generate: a preset's, overridden
 * key by key (model.* keys at -1 take the preset's value). */
#include "config.h"
#include "../util/common.h"
#include <stddef.h>

/* The model.* keys that hold geometry, and where each lands in tb_geometry. */
static const struct { const char *key; size_t cfg, geo; } geometry_keys[] = {
  { "model.hidden", offsetof(tb_config, model_hidden), offsetof(tb_geometry, hidden) },
  { "model.ffn", offsetof(tb_config, model_ffn), offsetof(tb_geometry, ffn) },
  { "model.shared_ffn", offsetof(tb_config, model_shared_ffn), offsetof(tb_geometry, shared_ffn) },
  { "model.layers", offsetof(tb_config, model_layers), offsetof(tb_geometry, layers) },
  { "model.experts", offsetof(tb_config, model_experts), offsetof(tb_geometry, experts) },
  { "model.group", offsetof(tb_config, model_group), offsetof(tb_geometry, group) },
  { "model.bits", offsetof(tb_config, model_bits), offsetof(tb_geometry, bits) },
  { "model.dense_bits", offsetof(tb_config, model_dense_bits), offsetof(tb_geometry, dense_bits) },
  { "model.dense_matrices", offsetof(tb_config, model_dense_matrices), offsetof(tb_geometry, dense_matrices) },
};

#define DEFAULT_K 4   /* Flash-MoE's K, for custom geometries that do not say */

int tb_config_geometry(const tb_config *c, tb_geometry *g) {
  const tb_preset *p = NULL;
  if (c->model_preset[0] && !(p = tb_preset_find(c->model_preset)))
    return tb_fail(TB_ERR_ARG, "model.preset: '%s' is not a compiled preset", c->model_preset);
  for (int i = 0; i < TB_ARRAY_LEN(geometry_keys); i++) {
    int v = *(const int *)((const char *)c + geometry_keys[i].cfg);
    int *dst = (int *)((char *)g + geometry_keys[i].geo);
    if (v >= 0) *dst = v;
    else if (p) *dst = *(const int *)((const char *)&p->g + geometry_keys[i].geo);
    else return tb_fail(TB_ERR_ARG, "%s: not set; set it, or set model.preset to take a preset's "
                        "geometry (tb_describe_json lists the presets)", geometry_keys[i].key);
  }
  g->k = c->routing_k > 0 ? c->routing_k : p ? p->g.k : (g->experts < DEFAULT_K ? g->experts : DEFAULT_K);
  return tb_geometry_validate(g);
}
