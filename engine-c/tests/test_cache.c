/* test_cache.c — the cache template and its policies: exact LRU counts on a hand-checked
 * sequence, LRU against a brute-force reference, batch (busy) protection, pins, and the
 * invariants every registered policy must keep under random requests. */
#include "tb_test.h"
#include "../src/cache/cache.h"
#include "../src/util/common.h"
#include <string.h>

/* Cache calls report through tb_fail; the message is read directly so these tests need only
 * the cache and util modules. */
#define CHECK_OK(call) do { int rc_ = (call); \
  TB_CHECK(rc_ >= 0, "%s -> %d: %s", #call, rc_, tb_error_message()); } while (0)

static tb_req req(int key, int64_t token) {
  return (tb_req){ .layer = 0, .expert = key, .key = key, .token = token,
                   .next_use = TB_NEXT_USE_UNKNOWN, .prefetch = 0 };
}

/* One request as its own batch; returns the access result. */
static int access1(tb_cache *c, int key, int64_t token) {
  tb_req r = req(key, token);
  int slot;
  int rc = tb_cache_access(c, &r, &slot);
  if (rc == TB_CACHE_MISS_FILL) c->slots[slot].state = TB_SLOT_READY;
  tb_cache_end_batch(c);
  return rc;
}

TB_TEST(cache_lru_hand_checked) {
  tb_cache *c;
  CHECK_OK(tb_cache_create(&c, tb_policy_find("lru"), 3, 8, 4096));
  /* A B C A D B E A B E C A with 3 slots, most recent first:
   *  A miss [A] · B miss [B A] · C miss [C B A] · A hit [A C B] · D miss, evict B [D A C] ·
   *  B miss, evict C [B D A] · E miss, evict A [E B D] · A miss, evict D [A E B] ·
   *  B hit [B A E] · E hit [E B A] · C miss, evict A [C E B] · A miss, evict B [A C E]
   * → 3 hits (4, 9, 10), 9 misses, 6 evictions. */
  const char *seq = "ABCADBEABECA";
  const char *expect = "mmmhmmmmhhmm";
  for (int i = 0; seq[i]; i++) {
    int rc = access1(c, seq[i] - 'A', i);
    TB_CHECK((rc == TB_CACHE_HIT) == (expect[i] == 'h'), "request %d (%c): got %d", i, seq[i], rc);
  }
  TB_CHECK(c->requests == 12 && c->hits == 3 && c->misses == 9, "hits %lld misses %lld",
           (long long)c->hits, (long long)c->misses);
  TB_CHECK(c->evictions == 6 && c->insertions == 9 && c->bypasses == 0, "evictions %lld insertions %lld",
           (long long)c->evictions, (long long)c->insertions);
  /* final contents [A C E] */
  TB_CHECK(tb_cache_peek(c, 0) >= 0 && tb_cache_peek(c, 2) >= 0 && tb_cache_peek(c, 4) >= 0, "A C E resident");
  TB_CHECK(tb_cache_peek(c, 1) < 0 && tb_cache_peek(c, 3) < 0, "B D evicted");
  tb_cache_destroy(c);
}

TB_TEST(cache_batch_protects_busy_slots) {
  tb_cache *c;
  CHECK_OK(tb_cache_create(&c, tb_policy_find("lru"), 1, 8, 4096));
  tb_req a = req(0, 0), b = req(1, 0);
  int sa, sb;
  TB_CHECK(tb_cache_access(c, &a, &sa) == TB_CACHE_MISS_FILL && sa == 0, "A fills slot 0");
  /* same batch: A's slot is busy (its read is in flight), so B must not take it */
  TB_CHECK(tb_cache_access(c, &b, &sb) == TB_CACHE_MISS_BYPASS && sb == -1, "B bypasses");
  TB_CHECK(tb_cache_peek(c, 0) == 0, "A still resident");
  tb_cache_end_batch(c);
  b.token = 1;
  TB_CHECK(tb_cache_access(c, &b, &sb) == TB_CACHE_MISS_FILL && sb == 0, "next batch: B evicts A");
  TB_CHECK(tb_cache_peek(c, 0) == -1, "A evicted");
  TB_CHECK(c->bypasses == 1 && c->evictions == 1 && c->misses == 3, "counters");
  tb_cache_destroy(c);
}

TB_TEST(cache_pin_never_evicted) {
  tb_cache *c;
  CHECK_OK(tb_cache_create(&c, tb_policy_find("lru"), 2, 16, 4096));
  tb_req p = req(7, 0);
  int ps;
  TB_CHECK(tb_cache_pin(c, &p, &ps) == TB_CACHE_MISS_FILL && ps >= 0, "pin fills a slot");
  c->slots[ps].state = TB_SLOT_READY;
  TB_CHECK(c->requests == 0 && c->pinned_slots == 1, "a pin is not a request");
  tb_rng rng;
  tb_rng_seed(&rng, 1);
  for (int i = 0; i < 500; i++) access1(c, (int)(tb_rng_next(&rng) % 16), i + 1);
  TB_CHECK(tb_cache_peek(c, 7) == ps, "pinned key 7 still in slot %d", ps);
  TB_CHECK(c->used <= 2 && c->evictions > 0, "used %d evictions %lld", c->used, (long long)c->evictions);
  /* second pin takes the last slot; then nothing can be evicted and every miss bypasses */
  tb_req q = req(3, 0);
  int qs;
  TB_CHECK(tb_cache_pin(c, &q, &qs) >= 0, "second pin");
  int64_t bypass0 = c->bypasses;
  TB_CHECK(access1(c, 5, 1000) == TB_CACHE_MISS_BYPASS, "all pinned → bypass");
  TB_CHECK(c->bypasses == bypass0 + 1, "bypass counted");
  tb_req x = req(9, 0);
  int xs;
  TB_CHECK(tb_cache_pin(c, &x, &xs) == TB_ERR_ARG && xs == -1, "third pin has no room");
  tb_cache_destroy(c);
}

/* Brute-force LRU: last-use stamps, victim = least recent among unpinned keys outside the batch. */
typedef struct { int64_t stamp[64]; int resident[64], pinned[64], busy[64]; int used, cap; } ref_lru;

static int ref_access(ref_lru *m, int key, int64_t now) {
  if (m->resident[key]) { m->stamp[key] = now; m->busy[key] = 1; return TB_CACHE_HIT; }
  if (m->cap == 0) return TB_CACHE_MISS_BYPASS;
  if (m->used == m->cap) {
    int v = -1;
    for (int k = 0; k < 64; k++)
      if (m->resident[k] && !m->pinned[k] && !m->busy[k] && (v < 0 || m->stamp[k] < m->stamp[v])) v = k;
    if (v < 0) return TB_CACHE_MISS_BYPASS;
    m->resident[v] = 0;
    m->used--;
  }
  m->resident[key] = 1; m->stamp[key] = now; m->busy[key] = 1; m->used++;
  return TB_CACHE_MISS_FILL;
}

TB_TEST(cache_lru_matches_reference) {
  const int caps[] = { 0, 1, 3, 8, 20 };
  for (int ci = 0; ci < TB_ARRAY_LEN(caps); ci++) {
    tb_cache *c;
    CHECK_OK(tb_cache_create(&c, tb_policy_find("lru"), caps[ci], 64, 4096));
    ref_lru m = { .cap = caps[ci] };
    if (caps[ci] >= 3) {   /* a pinned key changes which slot is the victim */
      tb_req p = req(40, 0);
      int ps;
      tb_cache_pin(c, &p, &ps);
      m.resident[40] = m.pinned[40] = 1; m.used = 1; m.stamp[40] = -1;
    }
    tb_rng rng;
    tb_rng_seed(&rng, 100 + ci);
    int64_t now = 0;
    for (int t = 0; t < 400; t++) {
      /* a batch of 4 distinct keys, skewed toward low keys */
      int keys[4], n = 0;
      while (n < 4) {
        double u = tb_rng_uniform(&rng);
        int k = (int)(u * u * 48);
        int dup = 0;
        for (int j = 0; j < n; j++) dup |= keys[j] == k;
        if (!dup) keys[n++] = k;
      }
      for (int j = 0; j < 4; j++) {
        tb_req r = req(keys[j], t);
        int slot;
        int got = tb_cache_access(c, &r, &slot);
        int want = ref_access(&m, keys[j], ++now);
        TB_CHECK(got == want, "cap %d token %d key %d: got %d want %d", caps[ci], t, keys[j], got, want);
      }
      tb_cache_end_batch(c);
      memset(m.busy, 0, sizeof m.busy);
    }
    tb_cache_destroy(c);
  }
}

/* Invariants every registered policy keeps (the conformance suite later policies join). */
TB_TEST(cache_policies_invariants) {
  for (int pi = 0; pi < tb_policy_count; pi++) {
    const tb_policy_ops *ops = tb_policies[pi];
    TB_CHECK(tb_policy_find(ops->name) == ops, "%s found by name", ops->name);
    const int caps[] = { 0, 1, 4, 13 };
    for (int ci = 0; ci < TB_ARRAY_LEN(caps); ci++) {
      enum { KEYS = 40, K = 4 };
      tb_cache *c;
      CHECK_OK(tb_cache_create(&c, ops, caps[ci], KEYS, 8192));
      int pinned_key = -1, pinned_slot = -1;
      if (c->capacity >= 2) {
        tb_req p = req(KEYS - 1, 0);
        TB_CHECK(tb_cache_pin(c, &p, &pinned_slot) == TB_CACHE_MISS_FILL, "%s pin", ops->name);
        pinned_key = KEYS - 1;
      }
      tb_rng rng;
      tb_rng_seed(&rng, 7 + ci);
      for (int t = 0; t < 300; t++) {
        int base = (int)(tb_rng_next(&rng) % (KEYS - K));
        for (int j = 0; j < K; j++) {
          int key = (base + j * 3) % (KEYS - 1);
          tb_req r = req(key, t);
          int before = tb_cache_peek(c, key);
          int slot;
          int rc = tb_cache_access(c, &r, &slot);
          if (rc == TB_CACHE_HIT)
            TB_CHECK(before >= 0 && slot == before, "%s: hit on a key that was not resident", ops->name);
          else
            TB_CHECK(before < 0, "%s: miss on a resident key", ops->name);
          if (rc != TB_CACHE_MISS_BYPASS)
            TB_CHECK(slot >= 0 && c->slots[slot].key == key && c->map[key] == slot, "%s: slot/map", ops->name);
          TB_CHECK(c->used <= c->capacity, "%s: %d used > capacity %d", ops->name, c->used, c->capacity);
        }
        tb_cache_end_batch(c);
      }
      TB_CHECK(c->hits + c->misses == c->requests, "%s: hits + misses != requests", ops->name);
      TB_CHECK(c->insertions + c->bypasses == c->misses, "%s: insertions + bypasses != misses", ops->name);
      TB_CHECK(c->requests == 300 * K, "%s: requests %lld", ops->name, (long long)c->requests);
      TB_CHECK(c->peak_used <= c->capacity, "%s: peak", ops->name);
      if (c->capacity == 0) TB_CHECK(c->hits == 0 && c->bypasses == c->requests, "%s: capacity 0 bypasses", ops->name);
      if (pinned_key >= 0) TB_CHECK(tb_cache_peek(c, pinned_key) == pinned_slot, "%s: pinned evicted", ops->name);
      int mapped = 0;
      for (int k = 0; k < KEYS; k++) mapped += c->map[k] >= 0;
      TB_CHECK(mapped == c->used, "%s: %d mapped keys, %d used", ops->name, mapped, c->used);
      tb_cache_destroy(c);
    }
  }
}

TB_TEST(cache_none_keeps_nothing) {
  tb_cache *c;
  CHECK_OK(tb_cache_create(&c, tb_policy_find("none"), 100, 10, 4096));
  TB_CHECK(c->capacity == 0, "none forces capacity 0, got %d", c->capacity);
  for (int i = 0; i < 20; i++) TB_CHECK(access1(c, i % 2, i) == TB_CACHE_MISS_BYPASS, "bypass %d", i);
  TB_CHECK(c->hits == 0 && c->misses == 20 && c->bypasses == 20, "counters");
  tb_cache_destroy(c);
}
