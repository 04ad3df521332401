/* test_policy_golden.c — each policy on small hand-made traces, one request per batch; every
 * hit and miss is worked out by hand in the comments (slots fill in index order). Where a
 * trace is there to tell a policy from LRU, LRU's own result is given too. */
#include "tb_test.h"
#include "test_policy_util.h"
#include "../src/util/common.h"
#include <string.h>

static void expect(const char *policy, int capacity, const char *seq, const char *want,
                   const char *present, const char *absent) {
  char got[64];
  tb_cache *c = NULL;
  int hits = policy_trace(policy, capacity, seq, got, &c);
  TB_CHECK(hits >= 0, "%s: %s", policy, tb_error_message());
  if (hits < 0) return;
  TB_CHECK(strcmp(got, want) == 0, "%s cap %d on %s: got %s, want %s", policy, capacity, seq, got, want);
  for (const char *p = present; *p; p++) TB_CHECK(resident(c, *p), "%s: %c should be resident", policy, *p);
  for (const char *p = absent; *p; p++) TB_CHECK(!resident(c, *p), "%s: %c should be gone", policy, *p);
  TB_CHECK(c->hits + c->misses == c->requests && c->used <= c->capacity, "%s: counters", policy);
  tb_cache_destroy(c);
}

TB_TEST(policy_golden_clock_second_chance) {
  /* CLOCK, 3 slots, hand at s0; [slot contents with reference bits], ^ = hand.
   *  1 A miss s0 · 2 B miss s1 · 3 C miss s2            [A0 B0 C0] ^s0
   *  4 B hit                                            [A0 B1 C0]
   *  5 D miss: A0 evicted, D in s0                      [D0 B1 C0] ^s1
   *  6 C hit                                            [D0 B1 C1]
   *  7 E miss: B1→0, C1→0, D0 evicted, E in s0          [E0 B0 C0] ^s1
   *  8 B hit                                            [E0 B1 C0]
   *  9 D miss: B1→0, C0 evicted, D in s2                [E0 B0 D0] ^s0
   * → hits at 4, 6, 8. LRU keeps D over B at 7 (evicts B) and so hits only at 4 and 6. */
  expect("clock", 3, "ABCBDCEBD", "mmmhmhmhm", "EBD", "AC");
  char lru[16];
  policy_trace("lru", 3, "ABCBDCEBD", lru, NULL);
  TB_CHECK(strcmp(lru, "mmmhmhmmm") == 0, "lru on the same trace: %s", lru);
}

TB_TEST(policy_golden_sieve_keeps_survivors_in_place) {
  /* SIEVE, 3 entries; queue oldest→newest, * = visited, ^ = hand (none: the oldest).
   *  1-3 A B C miss                      [A B C]
   *  4 A hit                             [A* B C]
   *  5 D miss: A*→A, B evicted; hand→C   [A C D] ^C
   *  6 E miss: C evicted; hand→D         [A D E] ^D
   *  7 F miss: D evicted; hand→E         [A E F] ^E
   *  8 A hit — A stayed at the old end, not moved (CLOCK would have evicted it at 7)
   *  9 D miss: E evicted; hand→F         [A F D]
   * → hits at 4 and 8; CLOCK (FIFO-reinsertion) hits only at 4. */
  expect("sieve", 3, "ABCADEFAD", "mmmhmmmhm", "AFD", "BCE");
  char clock[16];
  policy_trace("clock", 3, "ABCADEFAD", clock, NULL);
  TB_CHECK(strcmp(clock, "mmmhmmmmm") == 0, "clock on the same trace: %s", clock);
}

TB_TEST(policy_golden_lfu_counts_then_recency) {
  /* LFU, 3 entries, (key:count).
   *  1 A miss (A:1) · 2 A hit (A:2) · 3 B miss (B:1) · 4 C miss (C:1) · 5 B hit (B:2)
   *  6 D miss: fewest is C:1 → evict C (D:1) · 7 C miss: evict D (C:1) · 8 E miss: evict C (E:1)
   *  9 A hit (A:3)
   * → hits at 2, 5, 9; LRU evicts A at 6 and misses it at 9. */
  expect("lfu", 3, "AABCBDCEA", "mhmmhmmmh", "ABE", "CD");
  /* Ties go to the least recent: 1-3 A B C (all 1) · 4 B hit (B:2) · 5 D miss: A and C at 1,
   * A older → evict A · 6 A miss: C (t3) older than D (t5) → evict C · 7 E miss: D (t5) older
   * than A (t6) → evict D. One hit. */
  expect("lfu", 3, "ABCBDAE", "mmmhmmm", "BAE", "CD");
}

TB_TEST(policy_golden_arc_adapts_on_ghost_hits) {
  /* ARC, c = 2, p = 0; lists MRU first.
   *  1 A miss → T1 [A] · 2 B miss → T1 [B A] · 3 A hit → T2 [A], T1 [B]
   *  4 C miss, no ghost: |T1|+|B1| = 1 < 2; REPLACE: |T1| = 1 > p = 0 → B to B1.
   *    T1 [C] T2 [A] B1 [B]
   *  5 B miss in B1: p = min(0 + max(0/1, 1), 2) = 1; REPLACE: |T1| = 1 not > p → T2's A to B2.
   *    B enters T2: T1 [C] T2 [B] B2 [A]
   *  6 C hit → T2 [C B], T1 []
   *  7 A miss in B2: p = max(1 − max(0/1, 1), 0) = 0; REPLACE: T1 empty → T2's LRU B to B2.
   *    T2 [A C] B2 [B]
   *  8 D miss, no ghost: |T1|+|B1| = 0; directory 3 < 4; REPLACE: T1 empty → C to B2.
   *    T1 [D] T2 [A] B2 [C B]
   *  9 B miss in B2: p stays 0; REPLACE: |T1| = 1 > 0 → D to B1. T2 [B A] B1 [D] B2 [C]
   * 10 A hit (in T2). LRU had evicted A at 9 (its order was [D A]).
   * → hits at 3, 6, 10; LRU hits at 3 and 6 only. Had p not fallen at 7, step 9 would have
   * evicted A instead of D. */
  expect("arc", 2, "ABACBCADBA", "mmhmmhmmmh", "AB", "CD");
  char lru[16];
  policy_trace("lru", 2, "ABACBCADBA", lru, NULL);
  TB_CHECK(strcmp(lru, "mmhmmhmmmm") == 0, "lru on the same trace: %s", lru);
}

TB_TEST(policy_golden_s3fifo_small_main_ghost) {
  /* S3-FIFO, 4 entries: small target ⌊0.4⌋ → 1 (at least one), main 3, ghost ⌊3.6⌋ = 3.
   * Queues newest first, (count).
   *  1-4 A B C D miss → S [D C B A]
   *  5 A hit (1) · 6 A hit (2)
   *  7 E miss: main 0 not over 3, small not empty → small's tail A has 2 → main [A(0)];
   *    next tail B (0) evicted → ghost [B]; E → S [E D C]
   *  8 B miss, in ghost → goes to main; victim from small: C → ghost [C]; M [B A] S [E D]
   *  9 C miss, in ghost → main; victim D → ghost [D]; M [C B A] S [E]
   * 10 A hit (1)
   * 11 F miss: main 3 not over 3 → small: E evicted → ghost [E D]; S [F]
   * 12 X miss: F evicted → ghost [F E D]; S [X]
   * 13 D miss, in ghost → main; victim X → ghost [X F E]; M [D C B A] S []
   * 14 Y miss: main 4 over 3 → main's tail A has 1 → reinserted with 0: M [A D C B];
   *    tail B (0) evicted (no ghost from main); S [Y]
   * 15 B miss, not in ghost: Y evicted → ghost full, E dropped → ghost [Y X F]; S [B]
   * 16 A hit
   * → hits at 5, 6, 10, 16; 12 misses, 8 evictions. */
  char got[32];
  tb_cache *c;
  TB_CHECK(policy_trace("s3fifo", 4, "ABCDAAEBCAFXDYBA", got, &c) == 4, "s3fifo hits");
  TB_CHECK(strcmp(got, "mmmmhhmmmhmmmmmh") == 0, "s3fifo: got %s", got);
  TB_CHECK(c->misses == 12 && c->evictions == 8, "misses %lld evictions %lld",
           (long long)c->misses, (long long)c->evictions);
  TB_CHECK(resident(c, 'A') && resident(c, 'B') && resident(c, 'C') && resident(c, 'D'), "A B C D resident");
  tb_cache_destroy(c);
}

TB_TEST(policy_golden_opt_evicts_farthest_and_bypasses) {
  /* OPT, 3 entries, next use in brackets (∞ = never).
   *  0 A [4] · 1 B [5] · 2 C [9]: misses, filled
   *  3 D [10]: farthest resident is C [9], D is needed later still → bypassed
   *  4 A hit [7] · 5 B hit [8]
   *  6 E [11]: farthest C [9] < 11 → bypassed
   *  7 A hit [∞] · 8 B hit [∞] · 9 C hit [∞]
   * 10 D [∞], 11 E [∞]: no sooner than the residents (all ∞) → bypassed
   * → 5 hits, 7 misses of which 4 bypassed, no eviction. LRU: 2 hits. */
  expect("opt", 3, "ABCDABEABCDE", "mmmbhhbhhhbb", "ABC", "DE");
  /* 2 entries: 0 A [3] · 1 B [5] filled · 2 C [4]: B [5] is farthest and later than C → evict B
   * · 3 A hit [6] · 4 C hit [∞] · 5 B [∞]: farthest C [∞], tie → bypassed · 6 A hit.
   * → 3 hits, 1 eviction. */
  tb_cache *c;
  char got[16];
  TB_CHECK(policy_trace("opt", 2, "ABCACBA", got, &c) == 3, "opt hits");
  TB_CHECK(strcmp(got, "mmmhhbh") == 0 && c->evictions == 1 && c->bypasses == 1, "opt: %s", got);
  tb_cache_destroy(c);
}
