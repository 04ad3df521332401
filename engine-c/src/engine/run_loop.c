/* run_loop.c — the token loop: per token, per layer, dense → routing release → cache lookups →
 * reads (then the prefetch step, queued behind them) → expert FFNs → combine, serial (read
 * everything, then compute) or overlapped within the layer; pins of the warm-up window between
 * tokens; the stage clock that gives every instant to one stage; fault injection. */
#define _GNU_SOURCE
#include "run_internal.h"
#include <errno.h>
#include <stdlib.h>
#include <time.h>

static double process_cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* fault.sleep_ms sleeps (wall time only); fault.spin_ms spins on this thread's CPU clock, so
 * it costs wall and CPU time alike. Once per token, inside fault.stage. */
void tb_run_fault_delay(tb_run *r) {
  r->fault_done = 1;
  if (r->fault_sleep_s > 0) {
    struct timespec ts = { (time_t)r->fault_sleep_s,
                           (long)((r->fault_sleep_s - (double)(time_t)r->fault_sleep_s) * 1e9) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
  }
  if (r->fault_spin_s > 0) {
    double c0 = tb_thread_cpu();
    while (tb_thread_cpu() - c0 < r->fault_spin_s) {}
  }
}

static int compute_ready(tb_run *r) {
  for (int k = 0; k < r->k; k++)
    if (r->fetch[k].ready && !r->fetch[k].computed) {
      int rc = tb_run_routed_expert(r, k);
      if (rc < 0) return rc;
    }
  return tb_run_experts_submit(r);
}

static int run_layer(tb_run *r, int64_t token, int layer) {
  tb_run_stage(r, TB_STAGE_dense);
  if (layer > 0) {   /* the previous layer ends here; layer 0 starts with the token (embedding) */
    r->layer_stats[(layer - 1) * TB_LAYER_COUNTER_COUNT + TB_L_wall_s] += r->clock_wall - r->layer_t0;
    r->layer_t0 = r->clock_wall;
  }
  r->layer = layer;
  tb_run_dense(r, layer);
  int rc;
  if (r->prefetcher && (rc = tb_run_prefetch_settle(r)) < 0) return rc;

  tb_run_stage(r, TB_STAGE_routing);
  tb_run_release(r, token, layer);

  tb_run_stage(r, TB_STAGE_cache);
  tb_run_lookup(r, token, layer);

  tb_run_stage(r, TB_STAGE_wait);
  if ((rc = tb_run_submit(r)) < 0) return rc;
  if (r->prefetcher) {     /* after the demand reads, so prefetch reads queue behind them */
    tb_run_stage(r, TB_STAGE_cache);
    if ((rc = tb_run_prefetch(r, token, layer)) < 0) return rc;
    tb_run_stage(r, TB_STAGE_wait);
  }
  if (!r->overlapped) {
    while (tb_run_pending(r) > 0)
      if ((rc = tb_run_wait(r)) < 0) return rc;
    tb_run_stage(r, TB_STAGE_expert);
    tb_run_expert_input(r);
    if ((rc = tb_run_shared_expert(r, layer)) < 0 || (rc = compute_ready(r)) < 0) return rc;
  } else {
    /* the shared expert and the hits are computed while the misses are read */
    tb_run_stage(r, TB_STAGE_expert);
    tb_run_expert_input(r);
    if ((rc = tb_run_shared_expert(r, layer)) < 0 || (rc = compute_ready(r)) < 0) return rc;
    while (tb_run_pending(r) > 0) {
      tb_run_stage(r, TB_STAGE_wait);
      if ((rc = tb_run_wait(r)) < 0) return rc;
      tb_run_stage(r, TB_STAGE_expert);
      if ((rc = compute_ready(r)) < 0) return rc;
    }
  }
  /* still the expert stage: a device's FFNs end here, so their wall time is expert time */
  if ((rc = tb_run_experts_finish(r)) < 0) return rc;

  tb_run_stage(r, TB_STAGE_combine);
  return tb_run_combine(r);
}

/* The caches' request and hit counts and occupied slots, summed (a handful of caches: cheap). */
static void cache_totals(const tb_run *r, double *requests, double *hits, double *used) {
  *requests = *hits = *used = 0;
  for (int i = 0; i < r->n_caches; i++) {
    *requests += (double)r->cache[i]->requests;
    *hits += (double)r->cache[i]->hits;
    *used += (double)r->cache[i]->used;
  }
}

static int run_token(tb_run *r) {
  int64_t t = r->tokens_done;
  double req0, hits0, used;
  cache_totals(r, &req0, &hits0, &used);
  double pcpu0 = process_cpu();
  r->clock_wall = tb_now();
  r->clock_cpu = tb_thread_cpu();
  r->stage = TB_STAGE_dense;
  r->layer = 0;
  r->layer_t0 = r->clock_wall;
  r->fault_done = 0;
  double t0 = r->clock_wall;
  if (r->fault_stage == TB_STAGE_dense) tb_run_fault_delay(r);
  tb_run_embed(r, t);
  for (int l = 0; l < r->layers; l++) {
    int rc = run_layer(r, t, l);
    if (rc < 0) return rc;
  }
  tb_run_hash_token(r);
  tb_run_stage(r, r->stage);   /* close the last stage's interval */
  double t1 = r->clock_wall;
  r->layer_stats[(r->layers - 1) * TB_LAYER_COUNTER_COUNT + TB_L_wall_s] += t1 - r->layer_t0;
  r->token_times[t] = t1 - t0;
  double *tc = r->token_counters + t * TB_TOKEN_COUNTER_COUNT;
  double req1, hits1;
  cache_totals(r, &req1, &hits1, &used);
  tc[TB_T_requests] = req1 - req0;
  tc[TB_T_app_hits] = hits1 - hits0;
  tc[TB_T_resident_entries] = used;
  r->c[TB_C_run_wall_s] += t1 - t0;
  r->c[TB_C_process_cpu_s] += process_cpu() - pcpu0;
  r->c[TB_C_tokens] += 1;
  r->c[TB_C_layers_run] += r->layers;
  r->tokens_done++;
  return TB_OK;
}

int tb_run_step(tb_run *r, double budget_s, volatile int *cancel) {
  if (r->failed) return tb_fail(TB_ERR_STATE, "the run was stopped by an earlier error; open a new run");
  double start = tb_now();
  int ran = 0;
  while (r->tokens_done < r->tokens) {
    if (ran > 0 && tb_now() - start >= budget_s) return TB_MORE;
    if (cancel && *cancel)
      return tb_fail(TB_ERR_CANCELLED, "cancelled after %lld tokens", (long long)r->tokens_done);
    if (r->cfg.fault_crash_after_tokens >= 0 && r->tokens_done == r->cfg.fault_crash_after_tokens)
      abort();   /* fault.crash_after_tokens: the harness's crash test, on purpose */
    if (r->cfg.fault_fail_after_tokens >= 0 && r->tokens_done == r->cfg.fault_fail_after_tokens) {
      r->failed = 1;
      return tb_fail(TB_ERR_INJECTED, "fault.fail_after_tokens=%d: injected failure after %lld tokens",
                     r->cfg.fault_fail_after_tokens, (long long)r->tokens_done);
    }
    int rc = TB_OK;
    if (r->pin_window > 0 && !r->pins_placed && r->tokens_done == r->pin_window)
      rc = tb_run_pin_window(r);   /* between tokens: outside every token's time */
    if (rc == TB_OK) rc = run_token(r);
    if (rc < 0) { r->failed = 1; return rc; }
    ran++;
  }
  return TB_OK;
}
