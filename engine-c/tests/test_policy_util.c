/* test_policy_util.c — the trace helper of test_policy_util.h. */
#include "test_policy_util.h"
#include "../src/util/common.h"
#include <string.h>

#define KEYS 26

int policy_trace(const char *policy, int capacity, const char *seq, char *pattern, tb_cache **out) {
  const tb_policy_ops *ops = tb_policy_find(policy);
  if (!ops) return tb_fail(TB_ERR_ARG, "no policy %s", policy);
  tb_cache *c;
  int rc = tb_cache_create(&c, ops, capacity, KEYS, 4096);
  if (rc < 0) return rc;
  int n = (int)strlen(seq), hits = 0;
  for (int i = 0; i < n; i++) {
    int64_t next = TB_NEXT_USE_NEVER;
    for (int j = i + 1; j < n; j++)
      if (seq[j] == seq[i]) { next = j; break; }
    tb_req r = { .layer = 0, .expert = seq[i] - 'A', .key = seq[i] - 'A', .token = i,
                 .next_use = next, .prefetch = 0 };
    int slot;
    int res = tb_cache_access(c, &r, &slot);
    if (res == TB_CACHE_MISS_FILL) c->slots[slot].state = TB_SLOT_READY;
    tb_cache_end_batch(c);
    pattern[i] = res == TB_CACHE_HIT ? 'h' : res == TB_CACHE_MISS_FILL ? 'm' : 'b';
    hits += res == TB_CACHE_HIT;
  }
  pattern[n] = 0;
  if (out) *out = c; else tb_cache_destroy(c);
  return hits;
}

int resident(const tb_cache *c, char letter) { return tb_cache_peek(c, letter - 'A') >= 0; }
