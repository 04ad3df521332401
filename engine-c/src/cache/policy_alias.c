/* policy_alias.c — cache.policy names that stand for a policy plus a prefetch predictor, after
 * the brief's wording ("prefetch" = LRU with a temporal prefetcher). An alias is resolved to
 * the real policy's code: it is never a copy of it. Adding one = one line here. */
#include "cache.h"
#include <string.h>

const tb_policy_alias tb_policy_aliases[] = {
  { "prefetch", "lru", "temporal",
    "LRU with the temporal prefetcher (each layer's experts of the previous token are read "
    "prefetch.depth layers ahead): shorthand for cache.policy=lru, prefetch.predictor=temporal." },
};
const int tb_policy_alias_count = (int)(sizeof tb_policy_aliases / sizeof tb_policy_aliases[0]);

const tb_policy_ops *tb_policy_resolve(const char *name, const char **predictor) {
  if (predictor) *predictor = NULL;
  const tb_policy_ops *ops = tb_policy_find(name);
  if (ops) return ops;
  for (int i = 0; i < tb_policy_alias_count; i++)
    if (strcmp(tb_policy_aliases[i].name, name) == 0) {
      if (predictor) *predictor = tb_policy_aliases[i].predictor;
      return tb_policy_find(tb_policy_aliases[i].policy);
    }
  return NULL;
}
