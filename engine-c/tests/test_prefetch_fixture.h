/* test_prefetch_fixture.h — what the prefetch and pin engine tests share: routing traces for
 * the fixture model (3 layers x 16 experts, K 4) written from a rule, and a "gated" I/O engine
 * that completes demand reads at once but holds prefetch reads until they are promoted (then
 * the next reap completes them) or a blocking reap needs one, so lateness is exact instead of
 * a race. */
#ifndef TB_TEST_PREFETCH_FIXTURE_H
#define TB_TEST_PREFETCH_FIXTURE_H

#include "test_run_fixture.h"
#include "../src/engine/run_internal.h"

/* Expert of (token, layer, slot j) for a trace; distinct over j for each (token, layer). */
typedef int (*pfx_rule)(int token, int layer, int j);
/* Write a tokens x 3 x 4 trace over 16 experts to dir/name; returns its path (static storage,
 * one per name slot 0..3) or NULL. */
const char *pfx_trace(const char *dir, const char *name, int slot, int tokens, pfx_rule rule);
/* expert = 4·token + j: 4 tokens in which no expert of a layer is requested twice. */
int pfx_no_reuse(int token, int layer, int j);
/* Routing from a trace on top of fx_config. */
void pfx_config(tb_config *c, const char *model, int tokens, const char *trace);

/* Replace an opened run's I/O engine with the gated engine. Its log records the kind of every
 * submitted read in order, and how many reads were promoted. */
typedef struct {
  int kinds[4096];         /* TB_READ_* of each submit, in order */
  int layers[4096];        /* the layer being run at each submit */
  int n;
  int promoted;            /* promote() calls that found the read held */
  int released;            /* held reads completed because a blocking reap needed one */
} pfx_gate_log;
void pfx_gate(tb_run *r, pfx_gate_log *log);

#endif
