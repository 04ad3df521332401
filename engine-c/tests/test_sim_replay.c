/* test_sim_replay.c — the simulator: warm-up boundaries and batching on a hand-made routing,
 * the page cache left beside the application cache, direct / first-touch reads, `none`
 * through the page-cache model equal to the model alone, and threads that change nothing. */
#include "tb_test.h"
#include "../src/sim/sim.h"
#include "../src/util/common.h"
#include <string.h>

/* A routing from literal rows: ids[tokens][layers][k]. */
static void routing_of(tb_routing *r, int tokens, int layers, int experts, int k, const int *ids) {
  memset(r, 0, sizeof *r);
  TB_CHECK_OK(tb_routing_alloc(r, tokens, layers, experts, k));
  for (int i = 0; i < tokens * layers * k; i++) {
    r->ids[i] = ids[i];
    r->weights[i] = 1.0f / (float)k;
  }
  TB_CHECK_OK(tb_routing_fill_next_use(r));
}

TB_TEST(sim_warmup_counts_only_later_tokens) {
  /* One layer, K = 2, LRU with 2 entries:
   *  t0 [0 1]: both miss              → [1 0]
   *  t1 [0 2]: 0 hit, 2 miss evicts 1 → [2 0]
   *  t2 [1 2]: 1 miss evicts 0 (2 is not the LRU), 2 hit → [2 1]
   * warm-up 0: 6 requests, 2 hits · 1: 4 requests, 2 hits · 2: 2 requests, 1 hit · 3: none. */
  tb_routing rt;
  const int ids[] = { 0, 1, 0, 2, 1, 2 };
  routing_of(&rt, 3, 1, 4, 2, ids);
  const int want_req[] = { 6, 4, 2, 0 }, want_hit[] = { 2, 2, 1, 0 }, want_ev[] = { 2, 2, 1, 0 };
  for (int w = 0; w <= 3; w++) {
    tb_sim_setup s = { .routing = &rt, .per_layer = 1, .warmup_tokens = w, .record_bytes = 100 };
    tb_sim_cell cell = { .policy = tb_policy_find("lru"), .entries = 2 };
    TB_CHECK_OK(tb_sim_replay(&s, &cell, NULL));
    TB_CHECK(cell.requests == want_req[w] && cell.hits == want_hit[w] && cell.evictions == want_ev[w] &&
             cell.misses == want_req[w] - want_hit[w],
             "warm-up %d: %lld requests %lld hits %lld evictions", w, (long long)cell.requests,
             (long long)cell.hits, (long long)cell.evictions);
    TB_CHECK(cell.requested_bytes == 100.0 * want_req[w] && cell.device_bytes == 100.0 * cell.misses,
             "warm-up %d: bytes", w);
  }
  tb_routing_free(&rt);
}

TB_TEST(sim_scope_global_shares_one_cache_per_layer_splits_it) {
  /* Two layers, K = 1, expert 0 in both every token. Per layer, 1 entry each: after the first
   * token every request hits (2 misses of 8). Global with 1 entry: the layers evict each other
   * (8 misses). Global with 2 entries: like per-layer. */
  tb_routing rt;
  const int ids[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
  routing_of(&rt, 4, 2, 3, 1, ids);
  struct { int per_layer, entries; int64_t misses; } cases[] = { { 1, 1, 2 }, { 0, 1, 8 }, { 0, 2, 2 } };
  for (int i = 0; i < TB_ARRAY_LEN(cases); i++) {
    tb_sim_setup s = { .routing = &rt, .per_layer = cases[i].per_layer, .record_bytes = 100 };
    int64_t lreq[2], lhit[2];
    tb_sim_cell cell = { .policy = tb_policy_find("lru"), .entries = cases[i].entries,
                         .layer_requests = lreq, .layer_hits = lhit };
    TB_CHECK_OK(tb_sim_replay(&s, &cell, NULL));
    TB_CHECK(cell.misses == cases[i].misses, "case %d: %lld misses", i, (long long)cell.misses);
    TB_CHECK(lreq[0] == 4 && lreq[1] == 4 && lhit[0] + lhit[1] == cell.hits, "case %d: per-layer counts", i);
  }
  /* capacity follows the engine: at most the key space, none keeps nothing */
  tb_sim_setup s = { .routing = &rt, .per_layer = 1, .record_bytes = 100 };
  tb_sim_cell big = { .policy = tb_policy_find("arc"), .entries = 50 }, none = { .policy = tb_policy_find("none"), .entries = 50 };
  TB_CHECK_OK(tb_sim_replay(&s, &big, NULL));
  TB_CHECK_OK(tb_sim_replay(&s, &none, NULL));
  TB_CHECK(big.capacity == 3 && none.capacity == 0 && none.hits == 0, "capacities %d %d", big.capacity, none.capacity);
  tb_routing_free(&rt);
}

TB_TEST(sim_direct_and_first_touch_reads) {
  /* `none`, one expert read three times, a page cache that can hold it:
   * off: device, page cache, page cache · first-touch: direct (not cached), then device
   * (buffered, cached), then page cache · on: device three times, the page cache untouched. */
  tb_routing rt;
  const int ids[] = { 0, 0, 0 };
  routing_of(&rt, 3, 1, 2, 1, ids);
  const int modes[] = { TB_SIM_DIRECT_OFF, TB_SIM_DIRECT_FIRST_TOUCH, TB_SIM_DIRECT_ON };
  const double device[] = { 100, 200, 300 }, cached[] = { 200, 100, 0 };
  const int64_t direct_reads[] = { 0, 1, 3 };
  for (int m = 0; m < 3; m++) {
    tb_sim_setup s = { .routing = &rt, .record_bytes = 100, .direct = modes[m], .pc_kind = TB_PC_LRU,
                       .page_cache_bytes = 1000 };
    tb_sim_cell cell = { .policy = tb_policy_find("none"), .entries = 0 };
    TB_CHECK_OK(tb_sim_replay(&s, &cell, NULL));
    TB_CHECK(cell.device_bytes == device[m] && cell.page_cache_bytes == cached[m] &&
             cell.direct_reads == direct_reads[m] && cell.buffered_reads == 3 - direct_reads[m],
             "mode %d: device %.0f cached %.0f direct %lld", m, cell.device_bytes, cell.page_cache_bytes,
             (long long)cell.direct_reads);
  }
  tb_routing_free(&rt);
}

TB_TEST(sim_page_cache_is_what_the_application_cache_leaves) {
  tb_routing rt;
  tb_synth_params sp = { .zipf = 0.8, .reuse = 0.2, .seed = 3 };
  TB_CHECK_OK(tb_routing_synthetic(&rt, 300, 3, 32, 4, &sp));
  const int64_t rec = 4096;
  tb_sim_setup s = { .routing = &rt, .per_layer = 1, .record_bytes = rec, .pc_kind = TB_PC_LRU,
                     .page_cache_bytes = 40.0 * rec, .readahead_bytes = 1024 };
  /* none: every request goes through the page-cache model, so its bytes equal the model fed
   * the routing directly */
  tb_sim_cell none = { .policy = tb_policy_find("none") };
  TB_CHECK_OK(tb_sim_replay(&s, &none, NULL));
  tb_pcmodel *pc;
  tb_pcmodel_params p = { .kind = TB_PC_LRU, .layers = 3, .experts = 32, .record_bytes = rec,
                            .capacity_bytes = 40 * rec, .readahead_bytes = 1024 };
  TB_CHECK_OK(tb_pcmodel_create(&pc, &p));
  double cached = 0, device = 0;
  for (int t = 0; t < rt.tokens; t++)
    for (int l = 0; l < rt.layers; l++)
      for (int k = 0; k < rt.k; k++) {
        int64_t c, d;
        tb_pcmodel_read(pc, l, rt.ids[(t * rt.layers + l) * rt.k + k], &c, &d);
        cached += (double)c;
        device += (double)d;
      }
  tb_pcmodel_destroy(pc);
  TB_CHECK(none.page_cache_bytes == cached && none.device_bytes == device && cached > 0,
           "none: %.0f/%.0f vs the model alone %.0f/%.0f", none.page_cache_bytes, none.device_bytes, cached, device);
  TB_CHECK(none.pc_capacity_bytes == 40.0 * rec, "none leaves the whole page cache");
  /* 10 entries per layer × 3 layers come out of the 40 records' worth */
  tb_sim_cell lru = { .policy = tb_policy_find("lru"), .entries = 10 };
  TB_CHECK_OK(tb_sim_replay(&s, &lru, NULL));
  TB_CHECK(lru.pc_capacity_bytes == 10.0 * rec, "lru leaves %.0f", lru.pc_capacity_bytes);
  TB_CHECK(lru.direct_reads + lru.buffered_reads == lru.misses, "every miss is read");
  TB_CHECK(lru.page_cache_bytes + lru.device_bytes == (double)lru.misses * rec + lru.readahead_bytes,
           "bytes add up");
  /* an application cache larger than the page cache leaves none */
  tb_sim_cell huge = { .policy = tb_policy_find("lru"), .entries = 20 };
  TB_CHECK_OK(tb_sim_replay(&s, &huge, NULL));
  TB_CHECK(huge.pc_capacity_bytes == 0 && huge.page_cache_bytes == 0, "no page cache left");
  tb_routing_free(&rt);
}

TB_TEST(sim_threads_change_nothing_and_cancel_stops) {
  tb_routing rt;
  tb_synth_params sp = { .zipf = 1.0, .reuse = 0.3, .seed = 9 };
  TB_CHECK_OK(tb_routing_synthetic(&rt, 400, 4, 40, 4, &sp));
  tb_sim_setup s = { .routing = &rt, .per_layer = 0, .warmup_tokens = 50, .record_bytes = 8192,
                     .pc_kind = TB_PC_2Q, .page_cache_bytes = 100.0 * 8192, .active_fraction = 0.5 };
  enum { CELLS = 16 };
  tb_sim_cell a[CELLS], b[CELLS];
  for (int i = 0; i < CELLS; i++)
    a[i] = b[i] = (tb_sim_cell){ .policy = tb_policies[i % tb_policy_count], .entries = 8 + 6 * i };
  TB_CHECK_OK(tb_sim_run(&s, a, CELLS, 1));
  TB_CHECK_OK(tb_sim_run(&s, b, CELLS, 3));
  for (int i = 0; i < CELLS; i++)
    TB_CHECK(a[i].hits == b[i].hits && a[i].misses == b[i].misses && a[i].evictions == b[i].evictions &&
             a[i].device_bytes == b[i].device_bytes && a[i].page_cache_bytes == b[i].page_cache_bytes,
             "cell %d (%s) differs with threads", i, a[i].policy->name);

  volatile int stop = 1;
  TB_CHECK(tb_sim_replay(&s, &b[0], &stop) == TB_ERR_CANCELLED && b[0].status == TB_ERR_CANCELLED,
           "a cancelled replay says so");
  tb_routing_free(&rt);

  /* Cancel a job right after it starts: cells of 320,000 requests each take far longer than
   * the call, so the later ones are skipped or stopped. */
  TB_CHECK_OK(tb_routing_synthetic(&rt, 20000, 4, 40, 4, &sp));
  tb_sim_job *j;
  TB_CHECK_OK(tb_sim_job_start(&j, &s, b, CELLS, 1));
  tb_sim_job_cancel(j);
  int done = -1;
  while (tb_sim_job_wait(j, 1.0, &done) == TB_MORE) {}
  tb_sim_job_free(j);
  int cancelled = 0;
  for (int i = 0; i < CELLS; i++) cancelled += b[i].status == TB_ERR_CANCELLED;
  TB_CHECK(done == CELLS && cancelled > 0, "done %d, cancelled %d", done, cancelled);

  tb_sim_cell bad = { .policy = NULL, .entries = 4 };
  TB_CHECK(tb_sim_run(&s, &bad, 1, 1) == TB_ERR_ARG && strstr(tb_error_message(), "policy"),
           "a bad cell's error reaches the caller: %s", tb_error_message());
  tb_routing_free(&rt);
}
