/* run.h — one timed run: the token loop over an opened model, its routing, cache, I/O engine
 * and compute backend, plus its counters. The ABI layer (api/) owns tb_engine and config;
 * it opens a tb_run from a resolved tb_config and drives it in time-bounded steps. */
#ifndef TB_RUN_H
#define TB_RUN_H

#include <stdint.h>
#include "../api/config.h"
#include "stats.h"

typedef struct tb_run tb_run;

/* Validate the config against the model, open the model, materialise routing, create the
 * cache, I/O engine, backend and kernel pool, allocate and touch every buffer. */
int tb_run_open(tb_run **out, const tb_config *cfg);
void tb_run_close(tb_run *r);
/* Run whole tokens until budget_s of wall time has passed or all tokens are done.
 * *cancel is polled at token boundaries (→ TB_ERR_CANCELLED). TB_MORE / TB_OK / error. */
int tb_run_step(tb_run *r, double budget_s, volatile int *cancel);

void tb_run_stats(const tb_run *r, double out[TB_COUNTER_COUNT]);
int tb_run_token_times(const tb_run *r, double *out, int n);   /* seconds per token */
int tb_run_layers(const tb_run *r);
int tb_run_layer_stats(const tb_run *r, double *out, int n);   /* [layers][TB_LAYER_COUNTER_COUNT] */
int tb_run_token_counters(const tb_run *r, double *out, int n); /* [tokens run][TB_TOKEN_COUNTER_COUNT] */
uint64_t tb_run_output_hash(const tb_run *r);

#endif
