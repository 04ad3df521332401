/* engine.c — the engine lifecycle of the public ABI: new → set* → open → step* → free, with
 * state checks on every call. */
#include "engine.h"
#include "../util/common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tb_state_name(tb_engine_state s) {
  switch (s) {
    case TB_STATE_CONFIG: return "being configured";
    case TB_STATE_GENERATING: return "generating a model";
    case TB_STATE_RUNNING: return "running";
    case TB_STATE_FINISHED: return "finished";
    default: return "failed";
  }
}

int tb_state_error(const tb_engine *e, const char *call, const char *needs) {
  return tb_fail(TB_ERR_STATE, "%s: needs an engine that is %s; this one is %s", call, needs,
                 tb_state_name(e->state));
}

#define NEED_ENGINE(call) do { if (!e) return tb_fail(TB_ERR_ARG, call ": engine is NULL"); } while (0)

TB_EXPORT tb_engine *tb_engine_new(void) {
  tb_engine *e = calloc(1, sizeof *e);
  if (!e) { tb_fail(TB_ERR_NOMEM, "tb_engine_new: out of memory (%zu bytes)", sizeof *e); return NULL; }
  tb_config_defaults(&e->cfg);
  e->state = TB_STATE_CONFIG;
  return e;
}

TB_EXPORT void tb_engine_free(tb_engine *e) {
  if (!e) return;
  if (e->run) tb_run_close(e->run);
  if (e->gen) tb_gen_destroy(e->gen);
  free(e->config_json);
  free(e);
}

/* Keys are fixed once a run or a generation has started from them. */
static int settable(tb_engine *e, const char *call, const char *key) {
  if (e->state == TB_STATE_CONFIG) return TB_OK;
  return tb_fail(TB_ERR_STATE, "%s(%s): keys can only be set before tb_open / tb_gen_begin; "
                 "this engine is %s", call, key ? key : "NULL", tb_state_name(e->state));
}

TB_EXPORT int tb_set_int(tb_engine *e, const char *key, int value) {
  NEED_ENGINE("tb_set_int");
  int rc = settable(e, "tb_set_int", key);
  return rc < 0 ? rc : tb_config_set_int(&e->cfg, key, value);
}

TB_EXPORT int tb_set_real(tb_engine *e, const char *key, double value) {
  NEED_ENGINE("tb_set_real");
  int rc = settable(e, "tb_set_real", key);
  return rc < 0 ? rc : tb_config_set_real(&e->cfg, key, value);
}

TB_EXPORT int tb_set_str(tb_engine *e, const char *key, const char *value) {
  NEED_ENGINE("tb_set_str");
  int rc = settable(e, "tb_set_str", key);
  return rc < 0 ? rc : tb_config_set_str(&e->cfg, key, value);
}

TB_EXPORT const char *tb_config_json(tb_engine *e) {
  if (!e) { tb_fail(TB_ERR_ARG, "tb_config_json: engine is NULL"); return NULL; }
  int cap = tb_config_json_capacity();
  if (!e->config_json && !(e->config_json = malloc((size_t)cap))) {
    tb_fail(TB_ERR_NOMEM, "tb_config_json: out of memory (%d bytes)", cap);
    return NULL;
  }
  return tb_config_to_json(&e->cfg, e->config_json, cap) < 0 ? NULL : e->config_json;
}

TB_EXPORT int tb_open(tb_engine *e) {
  NEED_ENGINE("tb_open");
  if (e->state != TB_STATE_CONFIG) return tb_state_error(e, "tb_open", "being configured");
  if (!e->cfg.model_dir[0])
    return tb_fail(TB_ERR_ARG, "model.dir: not set; set it to a model directory (one with manifest.json)");
  __atomic_store_n(&e->cancel, 0, __ATOMIC_RELEASE);
  int rc = tb_run_open(&e->run, &e->cfg);
  if (rc < 0) { e->run = NULL; return rc; }   /* still CONFIG: keys can be fixed and retried */
  e->state = TB_STATE_RUNNING;
  return TB_OK;
}

static const char *default_message(int status) {
  switch (status) {
    case TB_ERR_CANCELLED: return "run cancelled by tb_cancel";
    case TB_ERR_INJECTED: return "run failed by fault injection (fault.fail_after_tokens)";
    default: return "run failed";
  }
}

TB_EXPORT int tb_step(tb_engine *e, double budget_ms) {
  NEED_ENGINE("tb_step");
  if (e->state == TB_STATE_FAILED) return tb_fail(e->fail_status, "%s", e->fail_message);
  if (e->state != TB_STATE_RUNNING) return tb_state_error(e, "tb_step", "running (opened by tb_open)");
  if (!(budget_ms >= 0 && budget_ms <= 1e9))
    return tb_fail(TB_ERR_ARG, "tb_step: budget_ms=%g must be a number of milliseconds in 0..1e9", budget_ms);
  tb_clear_error();
  int rc = __atomic_load_n(&e->cancel, __ATOMIC_ACQUIRE)
             ? TB_ERR_CANCELLED   /* cancelled between steps: no token runs */
             : tb_run_step(e->run, budget_ms / 1000.0, &e->cancel);
  if (rc == TB_OK) e->state = TB_STATE_FINISHED;
  if (rc < 0) {
    if (!tb_error_message()[0]) tb_fail(rc, "%s", default_message(rc));
    e->state = TB_STATE_FAILED;
    e->fail_status = rc;
    snprintf(e->fail_message, sizeof e->fail_message, "%s", tb_error_message());
  }
  return rc;
}

TB_EXPORT void tb_cancel(tb_engine *e) {
  if (e) __atomic_store_n(&e->cancel, 1, __ATOMIC_RELEASE);
}
