/* test_policy_conformance.c — the suite every registered policy must pass, run over the
 * registry so a new policy joins by being registered: the budget is never exceeded, hits +
 * misses = requests, nothing is evicted (or bypassed) before the cache is full, a batch's own
 * entries and pinned entries survive, and the same requests give the same results. Requests
 * come from skewed synthetic routing with its real next-use, over several layers. */
#include "tb_test.h"
#include "../src/cache/cache.h"
#include "../src/routing/routing.h"
#include "../src/util/common.h"
#include <string.h>

enum { LAYERS = 3, EXPERTS = 24, K = 3, TOKENS = 300, PINNED_KEY = LAYERS * EXPERTS - 1 };

/* Replays the routing through one cache (global: every layer shares it) of `capacity`, checking
 * the invariants on every request. Returns an FNV hash of the sequence of results. */
static uint64_t conform(const tb_policy_ops *ops, const tb_routing *rt, int capacity, int pin) {
  tb_cache *c;
  int rc = tb_cache_create(&c, ops, capacity, LAYERS * EXPERTS, 4096);
  TB_CHECK(rc == TB_OK, "%s: create: %s", ops->name, tb_error_message());
  if (rc != TB_OK) return 0;
  int pinned_slot = -1;
  pin = pin && c->capacity > K + 1;    /* room for a whole batch beside the pinned entry */
  if (pin) {
    tb_req p = { .layer = LAYERS - 1, .expert = EXPERTS - 1, .key = PINNED_KEY, .token = 0,
                 .next_use = TB_NEXT_USE_NEVER };
    TB_CHECK(tb_cache_pin(c, &p, &pinned_slot) == TB_CACHE_MISS_FILL, "%s: pin", ops->name);
  }
  uint64_t h = TB_FNV_INIT;
  for (int t = 0; t < TOKENS; t++) {
    for (int l = 0; l < LAYERS; l++) {
      int batch[K], nb = 0;
      const size_t base = ((size_t)t * LAYERS + (size_t)l) * K;
      for (int k = 0; k < K; k++) {
        int e = rt->ids[base + k], key = l * EXPERTS + e, slot;
        if (key == PINNED_KEY) continue;
        tb_req r = { .layer = l, .expert = e, .key = key, .token = t, .next_use = rt->next_use[base + k] };
        int before = tb_cache_peek(c, key), used = c->used;
        int64_t ev = c->evictions;
        int res = tb_cache_access(c, &r, &slot);
        h = tb_fnv1a(h, &res, sizeof res);
        h = tb_fnv1a(h, &slot, sizeof slot);
        TB_CHECK((res == TB_CACHE_HIT) == (before >= 0), "%s: hit iff resident (key %d)", ops->name, key);
        TB_CHECK(c->used <= c->capacity, "%s: %d used > %d", ops->name, c->used, c->capacity);
        if (used < c->capacity)
          TB_CHECK(c->evictions == ev && res != TB_CACHE_MISS_BYPASS,
                   "%s cap %d: evicted or bypassed with %d of %d used", ops->name, capacity, used, c->capacity);
        TB_CHECK(c->evictions - ev <= 1, "%s: more than one eviction for one request", ops->name);
        if (res != TB_CACHE_MISS_BYPASS) {
          TB_CHECK(slot >= 0 && c->slots[slot].key == key && c->map[key] == slot, "%s: slot/map", ops->name);
          batch[nb++] = key;
        }
        for (int j = 0; j < nb; j++)
          TB_CHECK(tb_cache_peek(c, batch[j]) >= 0, "%s: evicted key %d of its own batch", ops->name, batch[j]);
        if (pin) TB_CHECK(tb_cache_peek(c, PINNED_KEY) == pinned_slot, "%s: pinned entry evicted", ops->name);
      }
      tb_cache_end_batch(c);
    }
  }
  TB_CHECK(c->hits + c->misses == c->requests, "%s: hits + misses != requests", ops->name);
  TB_CHECK(c->insertions + c->bypasses == c->misses, "%s: insertions + bypasses != misses", ops->name);
  TB_CHECK(c->insertions - c->evictions == c->used - (pin ? 1 : 0), "%s: insertions − evictions != used", ops->name);
  TB_CHECK(c->peak_used <= c->capacity, "%s: peak %d", ops->name, c->peak_used);
  if (capacity > 0 && capacity < PINNED_KEY)   /* fewer entries than keys requested: it fills */
    TB_CHECK(c->used == c->capacity, "%s cap %d: never filled (%d used)", ops->name, capacity, c->used);
  tb_cache_destroy(c);
  return h;
}

TB_TEST(policy_conformance_every_registered_policy) {
  tb_routing rt;
  tb_synth_params sp = { .zipf = 0.9, .reuse = 0.3, .seed = 11 };
  TB_CHECK_OK(tb_routing_synthetic(&rt, TOKENS, LAYERS, EXPERTS, K, &sp));
  const int caps[] = { 0, 1, 2, 3, 7, 20, LAYERS * EXPERTS };
  for (int pi = 0; pi < tb_policy_count; pi++) {
    const tb_policy_ops *ops = tb_policies[pi];
    TB_CHECK(ops->name && ops->help && ops->help[0], "policy %d has a name and help", pi);
    TB_CHECK(tb_policy_find(ops->name) == ops, "%s found by name", ops->name);
    for (int ci = 0; ci < TB_ARRAY_LEN(caps); ci++)
      for (int pin = 0; pin <= 1; pin++) {
        uint64_t a = conform(ops, &rt, caps[ci], pin), b = conform(ops, &rt, caps[ci], pin);
        TB_CHECK(a == b, "%s cap %d pin %d: two replays differ", ops->name, caps[ci], pin);
      }
  }
  tb_routing_free(&rt);
}

TB_TEST(policy_conformance_names_are_unique) {
  for (int i = 0; i < tb_policy_count; i++)
    for (int j = i + 1; j < tb_policy_count; j++)
      TB_CHECK(strcmp(tb_policies[i]->name, tb_policies[j]->name) != 0, "duplicate %s", tb_policies[i]->name);
  const char *want[] = { "none", "lru", "clock", "lfu", "s3fifo", "sieve", "arc", "opt" };
  for (int i = 0; i < TB_ARRAY_LEN(want); i++) TB_CHECK(tb_policy_find(want[i]), "%s registered", want[i]);
  TB_CHECK(tb_policy_find("opt")->needs_future, "opt declares it needs the future");
}
