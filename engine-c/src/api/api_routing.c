/* api_routing.c — tb_routing_write: the routing a configuration describes, written as a binary
 * trace (routing.h), for exact replay of a run and for `bun run trace stats` on a synthetic
 * workload. It materialises through the same path as tb_open (tb_routing_from_config), for the
 * geometry of model.preset / model.* keys and routing.k, over run.tokens tokens. */
#include "engine.h"
#include "../routing/routing_config.h"
#include "../util/common.h"

TB_EXPORT int tb_routing_write(tb_engine *e, const char *path) {
  if (!e || !path || !path[0]) return tb_fail(TB_ERR_ARG, "tb_routing_write: needs an engine and a path");
  tb_geometry g;
  int rc = tb_config_geometry(&e->cfg, &g);
  if (rc) return rc;
  tb_routing r;
  rc = tb_routing_from_config(&r, &e->cfg, e->cfg.run_tokens, g.layers, g.experts, g.k);
  if (rc) return rc;
  rc = tb_routing_save(&r, path);
  tb_routing_free(&r);
  return rc;
}
