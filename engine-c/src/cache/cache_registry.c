/* cache_registry.c — the table of cache policies (cache.policy values), listable through the
 * ABI. Adding a policy = its file + one line here. */
#include "cache.h"
#include <string.h>

extern const tb_policy_ops tb_policy_none, tb_policy_lru;

const tb_policy_ops *const tb_policies[] = {
  &tb_policy_none,
  &tb_policy_lru,
};
const int tb_policy_count = (int)(sizeof tb_policies / sizeof tb_policies[0]);

const tb_policy_ops *tb_policy_find(const char *name) {
  for (int i = 0; i < tb_policy_count; i++)
    if (strcmp(tb_policies[i]->name, name) == 0) return tb_policies[i];
  return NULL;
}
