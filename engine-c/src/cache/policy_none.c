/* policy_none.c — no application cache ("trust the OS"): capacity 0, so every request
 * bypasses and is read again; only the OS page cache can make a re-read cheap. */
#include "cache.h"

static int none_on_miss(void *st, tb_cache *c, const tb_req *r) { return 0; }

const tb_policy_ops tb_policy_none = {
  .name = "none",
  .help = "No application cache: every expert is read on every request and the OS page cache "
          "does the caching (\"trust the OS\", Flash-MoE's fastest configuration).",
  .no_storage = 1,
  .on_miss = none_on_miss,
};
