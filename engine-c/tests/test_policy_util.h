/* test_policy_util.h — helpers of the policy and simulator tests: replay a string of one-letter
 * keys (one request per batch) through a policy and read back its hit/miss pattern. */
#ifndef TB_TEST_POLICY_UTIL_H
#define TB_TEST_POLICY_UTIL_H

#include "../src/cache/cache.h"

/* Replays seq ('A' = key 0, …; request i is token i, layer 0, its own batch; next_use from the
 * string itself) through a fresh cache of `capacity` entries of `policy`. Writes one letter per
 * request into pattern ('h' hit, 'm' miss filled, 'b' miss bypassed), NUL-terminated, and
 * leaves the cache in *out (destroy it) when out is not NULL. Returns hits, or < 0 on error. */
int policy_trace(const char *policy, int capacity, const char *seq, char *pattern, tb_cache **out);
/* Whether key letter is resident in c. */
int resident(const tb_cache *c, char letter);

#endif
