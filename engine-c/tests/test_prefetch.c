/* test_prefetch.c — prefetch bookkeeping without I/O: what each predictor may read (released
 * routing only, unless it declares the future), which positions the driver predicts and when,
 * exact LRU + temporal counts on a hand-checked trace, the next use given to OPT-like policies,
 * page-cache warms with no application cache, and the `prefetch` policy alias. */
#include "tb_test.h"
#include "../src/cache/cache.h"
#include "../src/prefetch/prefetch.h"
#include "../src/util/common.h"
#include <string.h>

#define CHECK_OK(call) do { int rc_ = (call); \
  TB_CHECK(rc_ >= 0, "%s -> %d: %s", #call, rc_, tb_error_message()); } while (0)

/* A routing from ids[t][l][k] given flat; weights 1/k. */
static void make_routing(tb_routing *rt, int tokens, int layers, int experts, int k, const int32_t *ids) {
  CHECK_OK(tb_routing_alloc(rt, tokens, layers, experts, k));
  size_t n = (size_t)tokens * layers * k;
  memcpy(rt->ids, ids, n * sizeof *ids);
  for (size_t i = 0; i < n; i++) rt->weights[i] = 1.0f / (float)k;
  CHECK_OK(tb_routing_fill_next_use(rt));
}

static tb_prefetcher *driver(const char *predictor, int depth, int per_layer, int next_use, const tb_routing *rt) {
  tb_prefetch_env env = { .tokens = rt->tokens, .layers = rt->layers, .experts = rt->experts, .k = rt->k };
  tb_prefetcher_params p = { .depth = depth, .per_layer = per_layer, .next_use = next_use };
  tb_prefetcher *pf = NULL;
  CHECK_OK(tb_prefetcher_create(&pf, tb_predictor_find(predictor), &env, &p, rt));
  return pf;
}

TB_TEST(prefetch_view_hands_out_released_routing_only) {
  tb_routing rt;
  const int32_t ids[] = { 0, 1,  2, 3,    4, 5,  6, 7,    0, 2,  1, 3 };   /* 3 tokens x 2 layers x k 2 */
  make_routing(&rt, 3, 2, 8, 2, ids);
  tb_prefetch_view v = { .routing = &rt, .now = 2, .future = 0 };   /* (token 1, layer 0) released last */
  TB_CHECK(tb_prefetch_released(&v, 1, 0) == rt.ids + 4, "the current position is released");
  TB_CHECK(tb_prefetch_released(&v, 0, 1) == rt.ids + 2, "earlier positions are released");
  TB_CHECK(tb_prefetch_released(&v, 1, 1) == NULL, "the next layer is not released");
  TB_CHECK(tb_prefetch_released(&v, 2, 0) == NULL, "the next token is not released");
  TB_CHECK(tb_prefetch_future(&v, 1, 1) == NULL, "no future without needs_future");
  v.future = 1;
  TB_CHECK(tb_prefetch_future(&v, 2, 1) == rt.ids + 10, "the future for a needs_future predictor");
  TB_CHECK(tb_prefetch_future(&v, 3, 0) == NULL && tb_prefetch_released(&v, -1, 0) == NULL, "out of range");

  /* temporal: the previous token of the target layer, or the latest released one before it */
  const tb_predictor_ops *temporal = tb_predictor_find("temporal"), *oracle = tb_predictor_find("oracle");
  TB_CHECK(temporal && !temporal->needs_future && oracle && oracle->needs_future, "registry flags");
  int32_t out[2];
  v.future = 0;
  TB_CHECK(temporal->predict(NULL, &v, 1, 1, out, 2) == 2 && out[0] == 2 && out[1] == 3, "(1,1) from (0,1)");
  TB_CHECK(temporal->predict(NULL, &v, 2, 1, out, 2) == 2 && out[0] == 2 && out[1] == 3,
           "(2,1): (1,1) is not released, so (0,1)");
  TB_CHECK(temporal->predict(NULL, &v, 2, 0, out, 2) == 2 && out[0] == 4 && out[1] == 5, "(2,0) from (1,0)");
  v.now = 0;
  TB_CHECK(temporal->predict(NULL, &v, 0, 1, out, 2) == 0, "the first token has no history");
  TB_CHECK(oracle->predict(NULL, &v, 2, 0, out, 2) == 0, "the oracle without the future sees nothing");
  v.future = 1;
  TB_CHECK(oracle->predict(NULL, &v, 2, 0, out, 2) == 2 && out[0] == 0 && out[1] == 2, "oracle reads the target");
  tb_routing_free(&rt);
}

/* A test predictor that records the positions it is asked for. */
static int64_t asked[64];
static int64_t asked_now[64];
static int n_asked;
static int record_predict(void *st, const tb_prefetch_view *v, int64_t token, int layer, int32_t *out, int max) {
  if (n_asked < 64) { asked[n_asked] = token * v->routing->layers + layer; asked_now[n_asked] = v->now; n_asked++; }
  return 0;
}
static const tb_predictor_ops recorder = { .name = "recorder", .predict = record_predict };

TB_TEST(prefetch_driver_predicts_each_position_once_depth_ahead) {
  tb_routing rt;
  int32_t ids[4 * 3];
  for (int i = 0; i < 12; i++) ids[i] = i % 5;
  make_routing(&rt, 4, 3, 5, 1, ids);     /* 12 positions */
  for (int depth = 1; depth <= 14; depth += 3) {
    tb_prefetch_env env = { .tokens = 4, .layers = 3, .experts = 5, .k = 1 };
    tb_prefetcher_params p = { .depth = depth };
    tb_prefetcher *pf;
    CHECK_OK(tb_prefetcher_create(&pf, &recorder, &env, &p, &rt));
    tb_cache *c;
    CHECK_OK(tb_cache_create(&c, tb_policy_find("lru"), 4, 15, 4096));
    tb_prefetch_issue out[16];
    n_asked = 0;
    for (int64_t pos = 0; pos < 12; pos++) tb_prefetcher_step(pf, &c, pos / 3, (int)(pos % 3), out);
    /* positions 1..11, each once, in order, each asked at most depth positions ahead */
    TB_CHECK(n_asked == 11, "depth %d: %d positions predicted", depth, n_asked);
    for (int i = 0; i < n_asked; i++) {
      TB_CHECK(asked[i] == i + 1, "depth %d: prediction %d is for position %lld", depth, i, (long long)asked[i]);
      TB_CHECK(asked[i] > asked_now[i] && asked[i] - asked_now[i] <= depth,
               "depth %d: position %lld asked at %lld", depth, (long long)asked[i], (long long)asked_now[i]);
      /* as late as possible: exactly depth ahead, except the first window */
      int64_t want_now = asked[i] - depth < 0 ? 0 : asked[i] - depth;
      TB_CHECK(asked_now[i] == want_now, "depth %d: position %lld asked at %lld, not %lld", depth,
               (long long)asked[i], (long long)asked_now[i], (long long)want_now);
    }
    tb_cache_destroy(c);
    tb_prefetcher_destroy(pf);
  }
  tb_routing_free(&rt);
}

/* LRU, 2 slots, temporal depth 1, k 1, 3 layers x 4 experts; "l.e" is layer l expert e, "p"
 * marks a prefetched entry, lists are most recent first. Each position: end the batch, access,
 * then prefetch the next position (the previous token's expert of its layer).
 *   routing  t0: 0.0 1.0 2.0   t1: 0.1 1.0 2.1   t2: 0.0 1.1 2.1
 *  p0 0.0 miss [0.0]               · predict (0,1): no history
 *  p1 1.0 miss [1.0 0.0]           · predict (0,2): no history
 *  p2 2.0 miss, evict 0.0 [2.0 1.0]· predict (1,0)=0.0: fill, evict 1.0 (2.0 is busy) [0.0p 2.0]
 *  p3 0.1 miss, evict 2.0 [0.1 0.0p]· predict (1,1)=1.0: fill, evict 0.0p unused [1.0p 0.1]
 *  p4 1.0 HIT (prefetched: used)   [1.0 0.1] · predict (1,2)=2.0: fill, evict 0.1 [2.0p 1.0]
 *  p5 2.1 miss, evict 1.0 [2.1 2.0p]· predict (2,0)=0.1: fill, evict 2.0p unused [0.1p 2.1]
 *  p6 0.0 miss, evict 2.1 [0.0 0.1p]· predict (2,1)=1.0: fill, evict 0.1p unused [1.0p 0.0]
 *  p7 1.1 miss, evict 0.0 [1.1 1.0p]· predict (2,2)=2.1: fill, evict 1.0p unused [2.1p 1.1]
 *  p8 2.1 HIT (prefetched: used)   · nothing left to predict
 * → 9 requests, 2 hits, 7 misses; 6 predictions, all issued; 2 used, 4 evicted unused;
 *   11 evictions (5 by demand, 6 by prefetch). */
TB_TEST(prefetch_lru_temporal_hand_checked) {
  tb_routing rt;
  const int32_t ids[] = { 0, 0, 0,  1, 0, 1,  0, 1, 1 };
  make_routing(&rt, 3, 3, 4, 1, ids);
  tb_prefetcher *pf = driver("temporal", 1, 0, 0, &rt);
  tb_cache *c;
  CHECK_OK(tb_cache_create(&c, tb_policy_find("lru"), 2, 12, 4096));
  const char *expect = "mmmmhmmmh";
  const int issues[] = { 0, 0, 1, 1, 1, 1, 1, 1, 0 };
  tb_prefetch_issue out[4];
  for (int p = 0; p < 9; p++) {
    int t = p / 3, l = p % 3, slot;
    tb_cache_end_batch(c);
    tb_req q = { .layer = l, .expert = ids[p], .key = l * 4 + ids[p], .token = t,
                 .next_use = rt.next_use[p] };
    int res = tb_cache_access(c, &q, &slot);
    TB_CHECK((res == TB_CACHE_HIT) == (expect[p] == 'h'), "position %d: result %d", p, res);
    int n = tb_prefetcher_step(pf, &c, t, l, out);
    TB_CHECK(n == issues[p], "position %d: %d issues", p, n);
    for (int i = 0; i < n; i++)
      TB_CHECK(out[i].cache == 0 && out[i].slot >= 0 && c->slots[out[i].slot].key == out[i].key &&
               c->slots[out[i].slot].prefetched && c->slots[out[i].slot].busy, "position %d: issue %d fills a busy prefetched slot", p, i);
  }
  tb_prefetch_counts pc;
  tb_prefetcher_counts(pf, &pc);
  TB_CHECK(c->requests == 9 && c->hits == 2 && c->misses == 7, "hits %lld misses %lld", (long long)c->hits, (long long)c->misses);
  TB_CHECK(pc.predictions == 6 && pc.issued == 6 && pc.resident == 0 && pc.dropped == 0,
           "predictions %lld issued %lld resident %lld dropped %lld", (long long)pc.predictions,
           (long long)pc.issued, (long long)pc.resident, (long long)pc.dropped);
  TB_CHECK(c->prefetch_fills == 6 && c->prefetch_used == 2 && c->prefetch_evicted_unused == 4 &&
           tb_cache_prefetched_unused(c) == 0, "fills %lld used %lld evicted unused %lld",
           (long long)c->prefetch_fills, (long long)c->prefetch_used, (long long)c->prefetch_evicted_unused);
  TB_CHECK(c->evictions == 11 && c->insertions == 7 && c->bypasses == 0, "evictions %lld insertions %lld",
           (long long)c->evictions, (long long)c->insertions);
  tb_cache_destroy(c);
  tb_prefetcher_destroy(pf);
  tb_routing_free(&rt);
}

TB_TEST(prefetch_never_evicts_the_batch_in_use_or_pins) {
  /* 1 layer, k 2, 2 slots: the batch fills both, so the oracle's predictions are dropped */
  tb_routing rt;
  const int32_t ids[] = { 0, 1,  2, 3,  4, 5 };
  make_routing(&rt, 3, 1, 8, 2, ids);
  tb_prefetcher *pf = driver("oracle", 1, 0, 0, &rt);
  tb_cache *c;
  CHECK_OK(tb_cache_create(&c, tb_policy_find("lru"), 2, 8, 4096));
  tb_prefetch_issue out[2];
  for (int t = 0; t < 3; t++) {
    tb_cache_end_batch(c);
    for (int j = 0; j < 2; j++) {
      tb_req q = { .expert = ids[t * 2 + j], .key = ids[t * 2 + j], .token = t };
      int slot;
      tb_cache_access(c, &q, &slot);
    }
    TB_CHECK(tb_prefetcher_step(pf, &c, t, 0, out) == 0, "token %d: no room beside the batch", t);
    TB_CHECK(tb_cache_peek(c, ids[t * 2]) >= 0 && tb_cache_peek(c, ids[t * 2 + 1]) >= 0, "token %d: batch kept", t);
  }
  tb_prefetch_counts pc;
  tb_prefetcher_counts(pf, &pc);
  TB_CHECK(pc.predictions == 4 && pc.dropped == 4 && c->prefetch_fills == 0, "dropped %lld", (long long)pc.dropped);
  TB_CHECK(c->requests == 6 && c->hits == 0, "a prefetch is not a request");
  tb_cache_destroy(c);
  tb_prefetcher_destroy(pf);

  /* 4 slots, key 7 pinned in one: beside the batch of 2, one prediction fits, the other drops.
   *  t0: 0, 1 miss [1 0 7*] · predict 2: fill [2p 1 0 7*]; 3: only pinned or busy slots → drop
   *  t1: 2 HIT (used), 3 miss, evict 0 [3 2 1 7*] · 4: fill, evict 1 [4p 3 2 7*]; 5: drop
   *  t2: 4 HIT (used), 5 miss, evict 2 [5 4 3 7*]
   * → 2 hits, 4 misses; 4 predictions, 2 issued (both used), 2 dropped. */
  pf = driver("oracle", 1, 0, 0, &rt);
  CHECK_OK(tb_cache_create(&c, tb_policy_find("lru"), 4, 8, 4096));
  tb_req pin = { .expert = 7, .key = 7 };
  int ps;
  TB_CHECK(tb_cache_pin(c, &pin, &ps) == TB_CACHE_MISS_FILL, "pin 7");
  for (int t = 0; t < 3; t++) {
    tb_cache_end_batch(c);
    for (int j = 0; j < 2; j++) {
      tb_req q = { .expert = ids[t * 2 + j], .key = ids[t * 2 + j], .token = t };
      int slot;
      tb_cache_access(c, &q, &slot);
    }
    tb_prefetcher_step(pf, &c, t, 0, out);
    TB_CHECK(tb_cache_peek(c, 7) == ps, "token %d: the pin stays", t);
  }
  tb_prefetcher_counts(pf, &pc);
  TB_CHECK(pc.predictions == 4 && pc.issued == 2 && pc.dropped == 2 && pc.resident == 0,
           "issued %lld dropped %lld", (long long)pc.issued, (long long)pc.dropped);
  TB_CHECK(c->hits == 2 && c->misses == 4 && c->prefetch_used == 2 && c->prefetch_evicted_unused == 0,
           "hits %lld misses %lld used %lld", (long long)c->hits, (long long)c->misses, (long long)c->prefetch_used);
  TB_CHECK(c->pinned_slots == 1 && c->used == 4, "pins inside the budget");
  tb_cache_destroy(c);
  tb_prefetcher_destroy(pf);
  tb_routing_free(&rt);
}

/* A policy that records the next use it is given for every prefetch insertion. */
static int64_t seen_next[64];
static int32_t seen_key[64];
static int64_t seen_token[64];
static int n_seen;
static void record_insert(void *st, tb_cache *c, int slot, const tb_req *r) {
  if (r->prefetch && n_seen < 64) {
    seen_next[n_seen] = r->next_use; seen_key[n_seen] = r->key; seen_token[n_seen] = r->token; n_seen++;
  }
}
static int any_victim(void *st, tb_cache *c, const tb_req *r) {
  for (int i = 0; i < c->capacity; i++) if (tb_slot_evictable(&c->slots[i])) return i;
  return -1;
}
static const tb_policy_ops recording_policy = {
  .name = "recording", .needs_future = 1, .victim = any_victim, .on_insert = record_insert,
};

TB_TEST(prefetch_gives_future_policies_the_true_next_use) {
  /* 2 layers x 3 experts, k 1, 24 random tokens; temporal depth 3 predicts experts that are and
   * are not used at the target, so next uses at the target, later, and never all occur */
  enum { T = 24 };
  tb_routing rt;
  int32_t ids[T * 2];
  tb_rng rng;
  tb_rng_seed(&rng, 5);
  for (int i = 0; i < T * 2; i++) ids[i] = (int32_t)(tb_rng_next(&rng) % 3);
  make_routing(&rt, T, 2, 3, 1, ids);
  tb_prefetcher *pf = driver("temporal", 3, 0, 1, &rt);
  tb_cache *c;
  CHECK_OK(tb_cache_create(&c, &recording_policy, 2, 6, 4096));
  tb_prefetch_issue out[8];
  n_seen = 0;
  for (int p = 0; p < T * 2; p++) {
    int t = p / 2, l = p % 2, slot;
    tb_cache_end_batch(c);
    tb_req q = { .layer = l, .expert = ids[p], .key = l * 3 + ids[p], .token = t, .next_use = rt.next_use[p] };
    tb_cache_access(c, &q, &slot);
    tb_prefetcher_step(pf, &c, t, l, out);
  }
  TB_CHECK(n_seen > 4, "%d prefetch insertions", n_seen);
  int at_target = 0, later = 0, never = 0;
  for (int i = 0; i < n_seen; i++) {
    int l = seen_key[i] / 3, e = seen_key[i] % 3;
    int64_t want = TB_NEXT_USE_NEVER;   /* brute force: first token >= target routing this key */
    for (int t = (int)seen_token[i]; t < T && want == TB_NEXT_USE_NEVER; t++)
      if (ids[t * 2 + l] == e) want = t;
    TB_CHECK(seen_next[i] == want, "insertion %d (key %d for token %lld): next use %lld, want %lld", i,
             seen_key[i], (long long)seen_token[i], (long long)seen_next[i], (long long)want);
    at_target += want == seen_token[i];
    later += want != TB_NEXT_USE_NEVER && want > seen_token[i];
    never += want == TB_NEXT_USE_NEVER;
  }
  TB_CHECK(at_target > 0 && later > 0 && never > 0, "cases covered: %d at target, %d later, %d never",
           at_target, later, never);
  tb_cache_destroy(c);
  tb_prefetcher_destroy(pf);
  tb_routing_free(&rt);
}

TB_TEST(prefetch_without_application_cache_warms_every_prediction) {
  tb_routing rt;
  const int32_t ids[] = { 0, 1,  2, 3,  0, 1,  4, 5 };
  make_routing(&rt, 4, 1, 8, 2, ids);
  tb_prefetcher *pf = driver("temporal", 1, 0, 0, &rt);
  tb_cache *c;
  CHECK_OK(tb_cache_create(&c, tb_policy_find("none"), 10, 8, 4096));
  tb_prefetch_issue out[2];
  int warms = 0;
  for (int t = 0; t < 4; t++) {
    tb_cache_end_batch(c);
    int n = tb_prefetcher_step(pf, &c, t, 0, out);
    for (int i = 0; i < n; i++) {
      TB_CHECK(out[i].cache == -1 && out[i].slot == -1, "a warm has no slot");
      TB_CHECK(out[i].expert == ids[t * 2 + i], "token %d: warms token %d's experts", t, t);
    }
    warms += n;
  }
  TB_CHECK(warms == 6 && c->capacity == 0 && c->used == 0, "warms %d", warms);
  tb_cache_destroy(c);
  tb_prefetcher_destroy(pf);
  tb_routing_free(&rt);
}

TB_TEST(prefetch_policy_alias_is_lru_with_temporal) {
  const char *pred = "x";
  TB_CHECK(tb_policy_resolve("prefetch", &pred) == tb_policy_find("lru") && pred && strcmp(pred, "temporal") == 0,
           "prefetch = lru + temporal");
  TB_CHECK(tb_policy_resolve("lru", &pred) == tb_policy_find("lru") && pred == NULL, "a plain policy implies nothing");
  TB_CHECK(tb_policy_resolve("nosuch", &pred) == NULL, "unknown");
  TB_CHECK(tb_policy_find("prefetch") == NULL, "the alias is not a second copy of a policy");
}
