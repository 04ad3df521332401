/* prefetch_registry.c — the table of prefetch predictors (prefetch.predictor values), listable
 * through the ABI. Adding a predictor = its file + one line here. */
#include "prefetch.h"
#include <string.h>

extern const tb_predictor_ops tb_predictor_none, tb_predictor_temporal, tb_predictor_oracle,
    tb_predictor_replay;

const tb_predictor_ops *const tb_predictors[] = {
  &tb_predictor_none,
  &tb_predictor_temporal,
  &tb_predictor_oracle,
  &tb_predictor_replay,
};
const int tb_predictor_count = (int)(sizeof tb_predictors / sizeof tb_predictors[0]);

const tb_predictor_ops *tb_predictor_find(const char *name) {
  for (int i = 0; i < tb_predictor_count; i++)
    if (strcmp(tb_predictors[i]->name, name) == 0) return tb_predictors[i];
  return NULL;
}
