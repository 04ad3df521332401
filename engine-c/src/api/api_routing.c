/* api_routing.c — tb_routing_write: routing as a binary trace (routing.h). After tb_open it is
 * the routing the run uses, byte for byte (recording, for exact replay); before, the routing the
 * configuration describes, materialised through the same path tb_open takes
 * (tb_routing_from_config) for the geometry of model.preset / model.* and routing.k over
 * run.tokens tokens — for `bun run trace stats` and calibration of synthetic workloads. */
#include "engine.h"
#include "../engine/run_internal.h"
#include "../routing/routing_config.h"
#include "../util/common.h"

TB_EXPORT int tb_routing_write(tb_engine *e, const char *path) {
  if (!e || !path || !path[0]) return tb_fail(TB_ERR_ARG, "tb_routing_write: needs an engine and a path");
  if (e->run) return tb_routing_save(&e->run->routing, path);
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
