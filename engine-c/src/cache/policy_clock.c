/* policy_clock.c — CLOCK (second chance; Corbató 1968, the page-replacement classic): one
 * reference bit per slot, set on a hit; the hand sweeps the slots, clearing set bits and
 * evicting the first clear one. A new entry lands in the victim's slot just behind the hand,
 * so it is examined last — the same order as libCacheSim's Clock with a 1-bit counter (a FIFO
 * whose referenced tail moves to the head). Busy and pinned slots are passed over untouched. */
#include "cache.h"
#include "../util/common.h"
#include <stdlib.h>

typedef struct {
  uint8_t *ref;            /* [capacity] reference bit per slot */
  int hand;                /* slot the next sweep starts at */
} clock_state;

static int clock_create(void **state, tb_cache *c) {
  clock_state *s = calloc(1, sizeof *s);
  if (s) s->ref = calloc((size_t)c->capacity + 1, 1);
  if (!s || !s->ref) {
    free(s);
    return tb_fail(TB_ERR_NOMEM, "clock: out of memory for %d slots", c->capacity);
  }
  *state = s;
  return TB_OK;
}

static void clock_destroy(void *st) {
  clock_state *s = st;
  if (!s) return;
  free(s->ref);
  free(s);
}

static void clock_on_hit(void *st, tb_cache *c, int slot, const tb_req *r) {
  ((clock_state *)st)->ref[slot] = 1;
}

static void clock_on_insert(void *st, tb_cache *c, int slot, const tb_req *r) {
  ((clock_state *)st)->ref[slot] = 0;
}

/* Two sweeps suffice: the first clears every set bit it passes, so the second finds a clear
 * evictable slot unless none is evictable at all. */
static int clock_victim(void *st, tb_cache *c, const tb_req *r) {
  clock_state *s = st;
  for (int step = 0; step <= 2 * c->capacity; step++) {
    int i = s->hand;
    s->hand = (i + 1) % c->capacity;
    if (!tb_slot_evictable(&c->slots[i])) continue;
    if (s->ref[i]) { s->ref[i] = 0; continue; }
    return i;
  }
  return -1;
}

const tb_policy_ops tb_policy_clock = {
  .name = "clock",
  .help = "CLOCK (second chance): a reference bit per entry set on a hit; a hand sweeps the "
          "entries, clearing set bits and evicting the first clear one. An LRU approximation "
          "with O(1) hits (Corbató 1968; libCacheSim's Clock with a 1-bit counter).",
  .create = clock_create,
  .destroy = clock_destroy,
  .on_hit = clock_on_hit,
  .victim = clock_victim,
  .on_insert = clock_on_insert,
};
