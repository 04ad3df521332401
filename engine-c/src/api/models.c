/* models.c — model files through the ABI: generation driven in time-bounded steps from the
 * model.* and gen.* keys, and importing a Flash-MoE directory (tb_model_check is model/model.c's). */
#include "engine.h"
#include "../util/common.h"
#include <stdio.h>
#include <stdlib.h>

TB_EXPORT int tb_gen_begin(tb_engine *e) {
  if (!e) return tb_fail(TB_ERR_ARG, "tb_gen_begin: engine is NULL");
  if (e->state != TB_STATE_CONFIG) return tb_state_error(e, "tb_gen_begin", "being configured");
  if (!e->cfg.model_dir[0])
    return tb_fail(TB_ERR_ARG, "model.dir: not set; set it to the directory to generate the model into");
  tb_geometry g;
  int rc = tb_config_geometry(&e->cfg, &g);
  if (rc < 0) return rc;
  __atomic_store_n(&e->cancel, 0, __ATOMIC_RELEASE);
  /* gen.threads 0 = every online CPU, as tb_gen_create reads threads <= 0 */
  rc = tb_gen_create(&e->gen, e->cfg.model_dir, &g, (uint64_t)e->cfg.model_seed, e->cfg.gen_threads,
                     e->cfg.model_preset);
  if (rc < 0) { e->gen = NULL; return rc; }
  e->state = TB_STATE_GENERATING;
  return TB_OK;
}

/* Ends the generation either way; the engine can be configured and used again. */
static int gen_end(tb_engine *e, int rc) {
  tb_gen_destroy(e->gen);
  e->gen = NULL;
  e->state = TB_STATE_CONFIG;
  return rc;
}

TB_EXPORT int tb_gen_step(tb_engine *e, double budget_ms, double *progress) {
  if (!e) return tb_fail(TB_ERR_ARG, "tb_gen_step: engine is NULL");
  if (e->state != TB_STATE_GENERATING) return tb_state_error(e, "tb_gen_step", "generating (after tb_gen_begin)");
  if (!(budget_ms >= 0 && budget_ms <= 1e9))
    return tb_fail(TB_ERR_ARG, "tb_gen_step: budget_ms=%g must be a number of milliseconds in 0..1e9", budget_ms);
  if (__atomic_exchange_n(&e->cancel, 0, __ATOMIC_ACQ_REL))
    return gen_end(e, tb_fail(TB_ERR_CANCELLED, "generation cancelled by tb_cancel; %s has no manifest "
                              "and is not a model", e->cfg.model_dir));
  double local;
  int rc = tb_gen_run_step(e->gen, budget_ms / 1000.0, progress ? progress : &local);
  return rc == TB_MORE ? rc : gen_end(e, rc);
}

/* The importer checks the preset, bits and file sizes; here only what the ABI's types need. */
TB_EXPORT int tb_model_import(const char *src_dir, const char *preset, int bits, int seed, const char *dst_dir) {
  if (!src_dir || !src_dir[0]) return tb_fail(TB_ERR_ARG, "tb_model_import: src_dir is empty");
  if (!dst_dir || !dst_dir[0]) return tb_fail(TB_ERR_ARG, "tb_model_import: dst_dir is empty");
  if (seed < 0) return tb_fail(TB_ERR_ARG, "tb_model_import: seed=%d must be >= 0", seed);
  return tb_import(src_dir, preset, bits, (uint64_t)seed, dst_dir);
}
