/* cache_registry.c — the table of cache policies (cache.policy values), listable through the
 * ABI. Adding a policy = its file + one line here. */
#include "cache.h"
#include <string.h>

extern const tb_policy_ops tb_policy_none, tb_policy_lru;
extern const tb_policy_ops tb_policy_clock, tb_policy_lfu, tb_policy_s3fifo;
extern const tb_policy_ops tb_policy_sieve, tb_policy_arc, tb_policy_opt;

const tb_policy_ops *const tb_policies[] = {
  &tb_policy_none,
  &tb_policy_lru,
  &tb_policy_clock,
  &tb_policy_lfu,
  &tb_policy_s3fifo,
  &tb_policy_sieve,
  &tb_policy_arc,
  &tb_policy_opt,
};
const int tb_policy_count = (int)(sizeof tb_policies / sizeof tb_policies[0]);

const tb_policy_ops *tb_policy_find(const char *name) {
  for (int i = 0; i < tb_policy_count; i++)
    if (strcmp(tb_policies[i]->name, name) == 0) return tb_policies[i];
  return NULL;
}
