/* test_run_timing.c — the stage clock and the run's control: stage walls sum to the token wall
 * and to an outer clock; injected sleep raises only its stage's wall, injected spin its wall and
 * CPU; step budgets, cancel, fault.fail_after_tokens and I/O errors stop the run as documented. */
#define _GNU_SOURCE
#include "tb_test.h"
#include "test_run_fixture.h"
#include "../src/engine/run_internal.h"
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static double stage_wall_sum(const double *s) {
  double sum = 0;
  for (int i = 0; i < TB_STAGE_COUNT; i++) sum += s[TB_C_dense_wall_s + i];
  return sum;
}

TB_TEST(run_stage_walls_sum_to_outer_clock) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  const char *modes[] = { "serial", "overlapped" };
  for (int m = 0; m < 2; m++) {
    tb_config c;
    fx_config(&c, model, 12);
    fx_set_str(&c, "exec.mode", modes[m]);
    fx_set_real(&c, "dense.passes", 2.5);
    tb_run *r;
    TB_CHECK_OK(tb_run_open(&r, &c));
    if (!r) return;
    double t0 = tb_now();
    int rc = tb_run_step(r, 1e9, NULL);
    double outer = tb_now() - t0;
    TB_CHECK(rc == TB_OK, "%s", tb_last_error());
    double s[TB_COUNTER_COUNT], times[12], layers[3 * TB_LAYER_COUNTER_COUNT];
    tb_run_stats(r, s);
    double sum = stage_wall_sum(s);
    TB_CHECK(fabs(sum - outer) <= 0.05 * outer, "%s: stage walls %g s vs outer clock %g s", modes[m], sum, outer);
    TB_CHECK(fabs(sum - s[TB_C_run_wall_s]) <= 1e-9 * s[TB_C_run_wall_s] + 1e-12, "stage walls = run wall");
    TB_CHECK(tb_run_token_times(r, times, 12) == 12, "12 token times");
    double tsum = 0;
    for (int i = 0; i < 12; i++) { tsum += times[i]; TB_CHECK(times[i] > 0, "token %d time", i); }
    TB_CHECK(fabs(tsum - s[TB_C_run_wall_s]) <= 1e-9 * tsum, "token times sum to the run wall");
    TB_CHECK(tb_run_layer_stats(r, layers, 3 * TB_LAYER_COUNTER_COUNT) == 3 * TB_LAYER_COUNTER_COUNT, "layers");
    double lsum = 0, wsum = 0;
    for (int l = 0; l < 3; l++) {
      lsum += layers[l * TB_LAYER_COUNTER_COUNT + TB_L_wall_s];
      wsum += layers[l * TB_LAYER_COUNTER_COUNT + TB_L_wait_s];
      TB_CHECK(layers[l * TB_LAYER_COUNTER_COUNT + TB_L_requests] == 12 * 4, "layer %d requests", l);
    }
    TB_CHECK(fabs(lsum - tsum) <= 1e-9 * tsum, "layer walls sum to the run wall");
    TB_CHECK(fabs(wsum - s[TB_C_wait_wall_s]) <= 1e-9 * wsum + 1e-12, "layer waits sum to the wait stage");
    for (int i = 0; i < TB_STAGE_COUNT; i++)
      TB_CHECK(s[TB_C_dense_wall_s + i] > 0, "%s: stage %s has time", modes[m], tb_stage_names[i]);
    tb_run_close(r);
  }
}

/* Run 4 tokens with an injected delay in `stage` and return the stats. */
static void run_fault(const char *model, const char *stage, const char *kind, double ms, double *s) {
  tb_config c;
  fx_config(&c, model, 4);
  fx_set_str(&c, "fault.stage", stage);
  fx_set_real(&c, kind, ms);
  fx_result r = fx_run(&c);
  TB_CHECK(r.rc == TB_OK, "%s %s: %s", stage, kind, tb_last_error());
  memcpy(s, r.s, sizeof r.s);
}

TB_TEST(run_fault_sleep_and_spin_stay_in_their_stage) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  fx_warm(model, 3);   /* page cache warm: fewer device reads, steadier stage times */
  double base[TB_COUNTER_COUNT], slept[TB_COUNTER_COUNT], spun[TB_COUNTER_COUNT];
  run_fault(model, "none", "fault.sleep_ms", 0, base);
  const double inj = 4 * 0.040;            /* 4 tokens × 40 ms */
  run_fault(model, "cache", "fault.sleep_ms", 40, slept);
  run_fault(model, "dense", "fault.spin_ms", 40, spun);
  for (int i = 0; i < TB_STAGE_COUNT; i++) {
    double dw_sleep = slept[TB_C_dense_wall_s + i] - base[TB_C_dense_wall_s + i];
    double dc_sleep = slept[TB_C_dense_cpu_s + i] - base[TB_C_dense_cpu_s + i];
    double dw_spin = spun[TB_C_dense_wall_s + i] - base[TB_C_dense_wall_s + i];
    double dc_spin = spun[TB_C_dense_cpu_s + i] - base[TB_C_dense_cpu_s + i];
    const char *n = tb_stage_names[i];
    if (i == TB_STAGE_cache) {
      TB_CHECK(dw_sleep >= 0.95 * inj, "sleep raises cache wall: +%g s", dw_sleep);
      TB_CHECK(dc_sleep < 0.2 * inj, "sleep does not raise cache CPU: +%g s", dc_sleep);
    } else {
      TB_CHECK(fabs(dw_sleep) < 0.3 * inj, "sleep in cache moved %s wall by %g s", n, dw_sleep);
    }
    if (i == TB_STAGE_dense) {
      TB_CHECK(dw_spin >= 0.95 * inj, "spin raises dense wall: +%g s", dw_spin);
      TB_CHECK(dc_spin >= 0.95 * inj, "spin raises dense CPU: +%g s", dc_spin);
    } else {
      TB_CHECK(fabs(dw_spin) < 0.3 * inj, "spin in dense moved %s wall by %g s", n, dw_spin);
      TB_CHECK(fabs(dc_spin) < 0.3 * inj, "spin in dense moved %s CPU by %g s", n, dc_spin);
    }
  }
}

TB_TEST(run_step_budget_cancel_and_injected_failure) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  tb_config c;
  fx_config(&c, model, 6);
  fx_set_int(&c, "fault.fail_after_tokens", 3);
  tb_run *r;
  TB_CHECK_OK(tb_run_open(&r, &c));
  if (!r) return;
  volatile int cancel = 1;
  double s[TB_COUNTER_COUNT];
  TB_CHECK(tb_run_step(r, 1e9, &cancel) == TB_ERR_CANCELLED, "cancel honoured before the first token");
  tb_run_stats(r, s);
  TB_CHECK(s[TB_C_tokens] == 0, "no token after cancel");
  cancel = 0;
  TB_CHECK(tb_run_step(r, 0, &cancel) == TB_MORE, "budget 0 runs one token: %s", tb_last_error());
  tb_run_stats(r, s);
  TB_CHECK(s[TB_C_tokens] == 1, "one token, got %g", s[TB_C_tokens]);
  int rc = tb_run_step(r, 1e9, &cancel);
  TB_CHECK(rc == TB_ERR_INJECTED, "fail_after_tokens=3 → TB_ERR_INJECTED, got %d", rc);
  TB_CHECK(strstr(tb_last_error(), "fault.fail_after_tokens=3") != NULL, "message: %s", tb_last_error());
  tb_run_stats(r, s);
  TB_CHECK(s[TB_C_tokens] == 3, "stopped after 3 tokens, ran %g", s[TB_C_tokens]);
  TB_CHECK(tb_run_step(r, 1e9, &cancel) == TB_ERR_STATE, "a failed run refuses further steps");
  tb_run_close(r);
}

TB_TEST(run_io_error_names_file_offset_errno) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  tb_config c;
  fx_config(&c, model, 3);
  tb_run *r;
  TB_CHECK_OK(tb_run_open(&r, &c));
  if (!r) return;
  /* layer 1's descriptor now names a directory: every read of it fails with EISDIR */
  int dir = open(model, O_RDONLY | O_DIRECTORY);
  TB_CHECK(dir >= 0 && dup2(dir, r->model.layer_fd[1]) >= 0, "dup2");
  close(dir);
  int rc = tb_run_step(r, 1e9, NULL);
  const char *msg = tb_last_error();
  TB_CHECK(rc == TB_ERR_IO, "I/O error stops the run: %d", rc);
  TB_CHECK(strstr(msg, "layer_01.bin") && strstr(msg, "offset") && strstr(msg, "errno 21"), "message: %s", msg);
  double s[TB_COUNTER_COUNT];
  tb_run_stats(r, s);
  TB_CHECK(s[TB_C_tokens] == 0, "the token did not complete");
  TB_CHECK(tb_run_step(r, 1e9, NULL) == TB_ERR_STATE, "stopped for good");
  tb_run_close(r);
}

TB_TEST(run_open_refuses_bad_settings) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  tb_config c;
  fx_config(&c, model, 3);
  fx_set_int(&c, "routing.k", 17);
  tb_run *r;
  TB_CHECK(tb_run_open(&r, &c) == TB_ERR_ARG && r == NULL, "K > experts refused");
  TB_CHECK(strstr(tb_last_error(), "routing.k") != NULL, "message names the key: %s", tb_last_error());
  fx_config(&c, "/nonexistent/model", 3);
  TB_CHECK(tb_run_open(&r, &c) < 0 && r == NULL, "missing model refused");
}
