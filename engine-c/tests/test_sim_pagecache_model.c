/* test_sim_pagecache_model.c — the simulator's page-cache model on hand-worked cases: LRU over
 * records with byte capacity, readahead into the next record's head, and the Linux-like two
 * lists (2Q). One layer, 100-byte records, so every figure below can be followed by hand. */
#include "tb_test.h"
#include "../src/sim/pagecache_model.h"
#include "../src/util/common.h"

typedef struct { int64_t cached, device; } bytes;

static bytes read_all(tb_pcmodel *pc, const int *experts, int n, int *hits) {
  bytes b = { 0, 0 };
  *hits = 0;
  for (int i = 0; i < n; i++) {
    int64_t c, d;
    tb_pcmodel_read(pc, 0, experts[i], &c, &d);
    b.cached += c;
    b.device += d;
    *hits += d == 0;
  }
  return b;
}

TB_TEST(sim_pagecache_model_lru_evicts_whole_records_by_bytes) {
  /* 250 bytes hold two 100-byte records. LRU hot end first:
   * 0 miss [0] · 1 miss [1 0] · 0 hit [0 1] · 2 miss, 300 > 250 → evict 1 [2 0] ·
   * 1 miss → evict 0 [1 2] · 0 miss → evict 2 [0 1]. One hit: 100 cached, 500 from the device. */
  tb_pcmodel *pc;
  tb_pcmodel_params p = { .kind = TB_PC_LRU, .layers = 1, .experts = 4, .record_bytes = 100,
                            .capacity_bytes = 250 };
  TB_CHECK_OK(tb_pcmodel_create(&pc, &p));
  int seq[] = { 0, 1, 0, 2, 1, 0 }, hits;
  bytes b = read_all(pc, seq, TB_ARRAY_LEN(seq), &hits);
  TB_CHECK(hits == 1 && b.cached == 100 && b.device == 500, "hits %d cached %lld device %lld",
           hits, (long long)b.cached, (long long)b.device);
  TB_CHECK(tb_pcmodel_used(pc) == 200, "used %lld", (long long)tb_pcmodel_used(pc));
  TB_CHECK(tb_pcmodel_resident(pc, 0, 0) == 100 && tb_pcmodel_resident(pc, 0, 1) == 100 &&
           tb_pcmodel_resident(pc, 0, 2) == 0, "0 and 1 resident, 2 gone");
  tb_pcmodel_destroy(pc);
}

TB_TEST(sim_pagecache_model_readahead_brings_the_next_records_head) {
  /* Readahead 30 bytes, capacity 250:
   * read 0: device 100 + 30 of record 1 → resident {0:100, 1:30}, used 130, LRU [0 1]
   * read 1: 30 cached, 70 + 30 of record 2 from the device → {0:100 1:100 2:30}, used 230, [1 2 0]
   * read 3: last record of the file, no readahead: 100 from the device, used 330 → evict 0 →
   *         230, [3 1 2]
   * read 2: 30 cached, 70 from the device; record 3 is resident, so nothing is read ahead;
   *         used 300 → evict 1 → 200, [2 3]
   * → cached 60, device 400 (= 400 asked − 60 cached + 60 read ahead). */
  tb_pcmodel *pc;
  tb_pcmodel_params p = { .kind = TB_PC_LRU, .layers = 1, .experts = 4, .record_bytes = 100,
                            .capacity_bytes = 250, .readahead_bytes = 30 };
  TB_CHECK_OK(tb_pcmodel_create(&pc, &p));
  int seq[] = { 0, 1, 3, 2 }, hits;
  bytes b = read_all(pc, seq, TB_ARRAY_LEN(seq), &hits);
  TB_CHECK(b.cached == 60 && b.device == 400 && hits == 0, "cached %lld device %lld",
           (long long)b.cached, (long long)b.device);
  TB_CHECK(tb_pcmodel_used(pc) == 200 && tb_pcmodel_resident(pc, 0, 2) == 100 &&
           tb_pcmodel_resident(pc, 0, 3) == 100 && tb_pcmodel_resident(pc, 0, 0) == 0 &&
           tb_pcmodel_resident(pc, 0, 1) == 0, "records 2 and 3 resident");
  tb_pcmodel_destroy(pc);
}

TB_TEST(sim_pagecache_model_2q_activates_on_second_read) {
  /* 2Q, capacity 300 (three records), active list ≤ 150 bytes (one record). I = inactive hot
   * end first, A = active; * = read once while inactive.
   *  0 miss I[0*] · 1 miss I[1* 0*] · 0 hit, second read → A[0] I[1*] · 2 miss I[2* 1*] ·
   *  3 miss I[3* 2* 1*] 400 > 300 → evict 1 · 4 miss I[4* 3* 2*] → evict 2 ·
   *  0 hit (active) · 3 hit, second read → A[3 0] over 150 → 0 back to I's hot end unmarked:
   *  I[0 4*] A[3] · 5 miss I[5* 0 4*] → evict 4 · 0 hit, first read since demotion: marked,
   *  not moved I[5* 0*] · 1 miss I[1* 5* 0*] → evict 0.
   * → 4 hits; LRU on the same reads (0 evicted by 4, refetched) has 3. */
  int seq[] = { 0, 1, 0, 2, 3, 4, 0, 3, 5, 0, 1 }, hits;
  tb_pcmodel *pc;
  tb_pcmodel_params p = { .kind = TB_PC_2Q, .layers = 1, .experts = 6, .record_bytes = 100,
                            .capacity_bytes = 300, .active_fraction = 0.5 };
  TB_CHECK_OK(tb_pcmodel_create(&pc, &p));
  bytes b = read_all(pc, seq, TB_ARRAY_LEN(seq), &hits);
  TB_CHECK(hits == 4 && b.cached == 400 && b.device == 700, "2q: hits %d cached %lld", hits, (long long)b.cached);
  TB_CHECK(tb_pcmodel_resident(pc, 0, 3) && tb_pcmodel_resident(pc, 0, 5) &&
           tb_pcmodel_resident(pc, 0, 1) && !tb_pcmodel_resident(pc, 0, 0), "2q: 3 5 1 resident, 0 gone");
  tb_pcmodel_destroy(pc);

  p.kind = TB_PC_LRU;
  TB_CHECK_OK(tb_pcmodel_create(&pc, &p));
  b = read_all(pc, seq, TB_ARRAY_LEN(seq), &hits);
  TB_CHECK(hits == 3, "lru: hits %d", hits);
  tb_pcmodel_destroy(pc);
}

TB_TEST(sim_pagecache_model_nothing_stays_without_capacity) {
  tb_pcmodel *pc;
  tb_pcmodel_params p = { .kind = TB_PC_LRU, .layers = 2, .experts = 3, .record_bytes = 100,
                            .capacity_bytes = 0, .readahead_bytes = 50 };
  TB_CHECK_OK(tb_pcmodel_create(&pc, &p));
  int64_t c, d;
  tb_pcmodel_read(pc, 1, 0, &c, &d);
  TB_CHECK(c == 0 && d == 150 && tb_pcmodel_used(pc) == 0, "read and readahead, nothing kept");
  tb_pcmodel_read(pc, 1, 0, &c, &d);
  TB_CHECK(c == 0 && d == 150, "again from the device");
  tb_pcmodel_destroy(pc);
  p.kind = 7;
  TB_CHECK(tb_pcmodel_create(&pc, &p) == TB_ERR_ARG && pc == NULL, "unknown model refused");
  p.kind = TB_PC_2Q;
  p.active_fraction = 0;
  TB_CHECK(tb_pcmodel_create(&pc, &p) == TB_ERR_ARG, "2q needs an active fraction");
}
