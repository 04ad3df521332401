/* api_sim.c — the trace-driven simulator through the public ABI (tb_sim_*): the routing an
 * engine's configuration describes, without opening model files, replayed through the cells a
 * JSON spec lists on worker threads, awaited in time-bounded steps, results as JSON. */
#include "engine.h"
#include "../model/geometry.h"
#include "../routing/routing_config.h"
#include "../sim/sim.h"
#include "../sim/sim_json.h"
#include "../util/common.h"
#include "../util/json.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tb_sim {
  tb_routing routing;      /* tokens × layers × k, next use filled */
  double *pin_profile;     /* [layers·experts] pin.file's weights, or NULL */
  tb_sim_setup setup;
  tb_sim_cell *cells;      /* [n] */
  int n;
  int64_t *layer_counts;   /* [n][2][layers]: each cell's layer_requests and layer_hits */
  tb_sim_job *job;         /* NULL once joined */
  tb_jw out;               /* result JSON, written once every cell is done */
  const char *json;
};

TB_EXPORT void tb_sim_free(tb_sim *s) {
  if (!s) return;
  if (s->job) tb_sim_job_cancel(s->job);   /* freed while running: stop the workers first */
  tb_sim_job_free(s->job);
  tb_routing_free(&s->routing);
  free(s->pin_profile);
  free(s->cells);
  free(s->layer_counts);
  tb_jw_free(&s->out);
  free(s);
}

static int number(const tb_json *n, const char *what, double *out) {
  char *end = NULL;
  if (n && n->type == TB_JSON_NUMBER) *out = strtod(n->text, &end);
  if (!end || *end || !isfinite(*out))
    return tb_fail(TB_ERR_ARG, "tb_sim_new: %s must be a number", what);
  return TB_OK;
}

static int whole(const tb_json *n, const char *what, double lo, double hi, int *out) {
  double v;
  int rc = number(n, what, &v);
  if (rc) return rc;
  if (v != floor(v) || v < lo || v > hi)
    return tb_fail(TB_ERR_ARG, "tb_sim_new: %s = %g must be a whole number in %g..%g", what, v, lo, hi);
  *out = (int)v;
  return TB_OK;
}

/* Every member of obj must be one of names ("a|b|c"). */
static int only(const tb_json *obj, const char *where, const char *names) {
  for (const tb_json *m = obj->child; m; m = m->next) {
    size_t len = strlen(m->key);
    const char *p = names;
    int found = 0;
    while (*p && !found) {
      const char *bar = strchr(p, '|');
      size_t n = bar ? (size_t)(bar - p) : strlen(p);
      found = n == len && strncmp(p, m->key, n) == 0;
      p = bar ? bar + 1 : p + n;
    }
    if (!found) return tb_fail(TB_ERR_ARG, "tb_sim_new: unknown %s key \"%s\"; allowed: %s", where, m->key, names);
  }
  return TB_OK;
}

static int parse_pagecache(const tb_json *pc, tb_sim_setup *su) {
  su->pc_kind = TB_PC_OFF;
  if (!pc) return TB_OK;
  if (pc->type != TB_JSON_OBJECT) return tb_fail(TB_ERR_ARG, "tb_sim_new: pagecache must be an object");
  int rc = only(pc, "pagecache", "model|bytes|readahead_bytes|active_fraction");
  if (rc) return rc;
  const tb_json *m = tb_json_get(pc, "model");
  const char *model = m && m->type == TB_JSON_STRING ? m->text : "lru";
  if (strcmp(model, "off") == 0) return TB_OK;
  if (strcmp(model, "lru") == 0) su->pc_kind = TB_PC_LRU;
  else if (strcmp(model, "2q") == 0) su->pc_kind = TB_PC_2Q;
  else return tb_fail(TB_ERR_ARG, "tb_sim_new: pagecache.model \"%s\": allowed off, lru, 2q", model);
  double ra = 0;
  su->active_fraction = 0.5;
  if ((rc = number(tb_json_get(pc, "bytes"), "pagecache.bytes", &su->page_cache_bytes))) return rc;
  if (tb_json_get(pc, "readahead_bytes") && (rc = number(tb_json_get(pc, "readahead_bytes"), "pagecache.readahead_bytes", &ra)))
    return rc;
  if (tb_json_get(pc, "active_fraction") &&
      (rc = number(tb_json_get(pc, "active_fraction"), "pagecache.active_fraction", &su->active_fraction)))
    return rc;
  if (su->page_cache_bytes < 0 || ra < 0 || !(su->active_fraction > 0 && su->active_fraction <= 1))
    return tb_fail(TB_ERR_ARG, "tb_sim_new: pagecache bytes %g and readahead_bytes %g must be >= 0, "
                   "active_fraction %g in (0, 1]", su->page_cache_bytes, ra, su->active_fraction);
  su->readahead_bytes = (int64_t)ra;
  return TB_OK;
}

static int parse_cells(tb_sim *s, const tb_json *cells) {
  if (!cells || cells->type != TB_JSON_ARRAY || !cells->child)
    return tb_fail(TB_ERR_ARG, "tb_sim_new: cells must be a non-empty array of {\"policy\", \"entries\"}");
  for (const tb_json *c = cells->child; c; c = c->next) s->n++;
  int layers = s->routing.layers;
  s->cells = calloc((size_t)s->n, sizeof *s->cells);
  s->layer_counts = calloc((size_t)s->n * 2 * (size_t)layers, sizeof *s->layer_counts);
  if (!s->cells || !s->layer_counts) return tb_fail(TB_ERR_NOMEM, "tb_sim_new: out of memory for %d cells", s->n);
  int i = 0;
  for (const tb_json *c = cells->child; c; c = c->next, i++) {
    tb_sim_cell *cell = &s->cells[i];
    if (c->type != TB_JSON_OBJECT) return tb_fail(TB_ERR_ARG, "tb_sim_new: cells[%d] must be an object", i);
    int rc = only(c, "cells[]", "policy|entries");
    if (rc) return rc;
    const tb_json *p = tb_json_get(c, "policy");
    const char *implied = NULL;   /* a policy alias's predictor (prefetch = lru + temporal) */
    if (!p || p->type != TB_JSON_STRING || !(cell->policy = tb_policy_resolve(p->text, &implied))) {
      char names[512] = "";
      for (int k = 0; k < tb_policy_count + tb_policy_alias_count; k++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
                 k < tb_policy_count ? tb_policies[k]->name : tb_policy_aliases[k - tb_policy_count].name);
      return tb_fail(TB_ERR_ARG, "tb_sim_new: cells[%d].policy \"%s\" is not compiled in; policies: %s", i,
                     p && p->type == TB_JSON_STRING ? p->text : "", names);
    }
    if (implied) cell->predictor = tb_predictor_find(implied);
    if ((rc = whole(tb_json_get(c, "entries"), "cells[].entries", 0, 2147483647.0, &cell->entries))) return rc;
    cell->layer_requests = s->layer_counts + (size_t)i * 2 * (size_t)layers;
    cell->layer_hits = cell->layer_requests + layers;
  }
  return TB_OK;
}

/* prefetch.* and pin.* as a run would use them (prefetch replayed in its deterministic mode). */
static int prefetch_and_pins(tb_sim *s, const tb_config *cfg, const tb_geometry *g) {
  tb_sim_setup *su = &s->setup;
  su->predictor = tb_predictor_find(cfg->prefetch_predictor);
  if (!su->predictor) return tb_fail(TB_ERR_ARG, "tb_sim_new: prefetch.predictor '%s' is not compiled in", cfg->prefetch_predictor);
  su->prefetch_depth = cfg->prefetch_depth;
  su->prefetch_env = (tb_prefetch_env){ .tokens = cfg->run_tokens, .layers = g->layers, .experts = g->experts,
                                        .k = s->routing.k, .trace = cfg->prefetch_trace };
  su->pin_top_n = cfg->pin_top_n;
  su->pin_window = cfg->pin_window;
  if (su->pin_top_n == 0) return TB_OK;
  if ((cfg->pin_file[0] != 0) == (cfg->pin_window > 0))
    return tb_fail(TB_ERR_ARG, "tb_sim_new: pin.top_n=%d: pins come from pin.file or from pin.window; set "
                   "exactly one", su->pin_top_n);
  if (cfg->pin_window >= cfg->run_tokens)
    return tb_fail(TB_ERR_ARG, "tb_sim_new: pin.window=%d must be less than run.tokens=%d", cfg->pin_window,
                   cfg->run_tokens);
  if (cfg->pin_file[0]) {
    int rc = tb_popularity_load(cfg->pin_file, g->layers, g->experts, &s->pin_profile);
    if (rc < 0) return rc;
    su->pin_profile = s->pin_profile;
  }
  return TB_OK;
}

/* Geometry, routing and settings from the engine's configuration; the rest from the spec. */
static int sim_open(tb_sim *s, const tb_engine *e, const char *spec) {
  const tb_config *cfg = &e->cfg;
  tb_geometry g;
  int rc = tb_config_geometry(cfg, &g);
  if (rc) return rc;
  tb_record_layout rec;
  tb_record_layout_of(&g, g.ffn, g.bits, &rec);
  s->setup.record_bytes = rec.size;
  s->setup.per_layer = strcmp(cfg->cache_scope, "per-layer") == 0;
  s->setup.direct = strcmp(cfg->io_direct, "on") == 0 ? TB_SIM_DIRECT_ON
                  : strcmp(cfg->io_direct, "first-touch") == 0 ? TB_SIM_DIRECT_FIRST_TOUCH : TB_SIM_DIRECT_OFF;

  tb_json *root;
  char err[256];
  if (tb_json_parse(spec, strlen(spec), &root, err, sizeof err) < 0)
    return tb_fail(TB_ERR_ARG, "tb_sim_new: spec is not JSON: %s", err);
  int threads = 0;
  rc = root->type == TB_JSON_OBJECT ? only(root, "spec", "cells|warmup|threads|pagecache")
                                    : tb_fail(TB_ERR_ARG, "tb_sim_new: spec must be a JSON object");
  if (!rc && tb_json_get(root, "warmup"))
    rc = whole(tb_json_get(root, "warmup"), "warmup", 0, cfg->run_tokens, &s->setup.warmup_tokens);
  if (!rc && tb_json_get(root, "threads")) rc = whole(tb_json_get(root, "threads"), "threads", 0, 256, &threads);
  if (!rc) rc = parse_pagecache(tb_json_get(root, "pagecache"), &s->setup);
  if (!rc) rc = tb_routing_from_config(&s->routing, cfg, cfg->run_tokens, g.layers, g.experts, g.k);
  if (!rc) rc = prefetch_and_pins(s, cfg, &g);
  if (!rc) {
    s->setup.routing = &s->routing;
    rc = parse_cells(s, tb_json_get(root, "cells"));
  }
  tb_json_free(root);
  if (!rc) rc = tb_sim_job_start(&s->job, &s->setup, s->cells, s->n, threads);
  return rc;
}

TB_EXPORT tb_sim *tb_sim_new(tb_engine *e, const char *spec_json) {
  if (!e || !spec_json) { tb_fail(TB_ERR_ARG, "tb_sim_new: needs an engine and a spec"); return NULL; }
  tb_sim *s = calloc(1, sizeof *s);
  if (!s) { tb_fail(TB_ERR_NOMEM, "tb_sim_new: out of memory"); return NULL; }
  tb_jw_init(&s->out);
  if (sim_open(s, e, spec_json) < 0) { tb_sim_free(s); return NULL; }
  return s;
}

TB_EXPORT int tb_sim_step(tb_sim *s, double budget_ms, double *progress) {
  if (!s) return tb_fail(TB_ERR_ARG, "tb_sim_step: simulation is NULL");
  int done = s->n;
  if (s->job && tb_sim_job_wait(s->job, budget_ms / 1000.0, &done) == TB_MORE) {
    if (progress) *progress = (double)done / s->n;
    return TB_MORE;
  }
  if (progress) *progress = 1.0;
  if (s->job) {                          /* every cell is done: join the workers, once */
    tb_sim_job_free(s->job);
    s->job = NULL;
  }
  for (int i = 0; i < s->n; i++)
    if (s->cells[i].status < 0)
      return tb_fail(s->cells[i].status, "simulation of %s at %d entries: %s", s->cells[i].policy->name,
                     s->cells[i].entries, s->cells[i].error);
  return TB_OK;
}

TB_EXPORT void tb_sim_cancel(tb_sim *s) {
  if (s && s->job) tb_sim_job_cancel(s->job);
}

TB_EXPORT const char *tb_sim_result_json(tb_sim *s) {
  if (!s) { tb_fail(TB_ERR_ARG, "tb_sim_result_json: simulation is NULL"); return NULL; }
  if (s->job) { tb_fail(TB_ERR_STATE, "tb_sim_result_json: cells still running; step until TB_OK"); return NULL; }
  if (!s->json) {
    tb_sim_json(&s->out, &s->setup, s->cells, s->n);
    if (!(s->json = tb_jw_finish(&s->out))) tb_fail(TB_ERR_NOMEM, "tb_sim_result_json: out of memory");
  }
  return s->json;
}
