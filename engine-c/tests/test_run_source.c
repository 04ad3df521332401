/* test_run_source.c — where each read's bytes come from (DESIGN §5), judged per record just
 * before the read: page cache vs device for buffered reads (mincore), device for direct reads,
 * application cache for hits; and the routing-release rule (no demand read before release). */
#define _GNU_SOURCE
#include "tb_test.h"
#include "test_run_fixture.h"
#include "../src/engine/run_internal.h"
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* A trace with K = 1: every token routes expert ids[l] in layer l. */
static void write_trace(const char *path, int tokens, const int ids[3]) {
  tb_routing rt = { .tokens = tokens, .layers = 3, .experts = 16, .k = 1 };
  int32_t idv[3 * 8];
  float wv[3 * 8];
  rt.ids = idv;
  rt.weights = wv;
  for (int t = 0; t < tokens && t < 8; t++)
    for (int l = 0; l < 3; l++) { idv[t * 3 + l] = ids[l]; wv[t * 3 + l] = 1.0f; }
  TB_CHECK_OK(tb_routing_save(&rt, path));
}

static void trace_config(tb_config *c, const char *model, const char *trace, int tokens) {
  fx_config(c, model, tokens);
  fx_set_int(c, "routing.k", 1);
  fx_set_str(c, "routing.source", "trace");
  fx_set_str(c, "routing.trace", trace);
  fx_set_str(c, "io.fadvise", "random");   /* no readahead: only the records read come in */
}

TB_TEST(run_source_resident_model_reads_page_cache) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  fx_warm(model, 3);
  TB_CHECK(fx_resident(model, 3) == 3 * 16 * fx_record_bytes(), "model fully resident after reading it");
  tb_config c;
  fx_config(&c, model, 6);
  fx_result r = fx_run(&c);
  TB_CHECK(r.rc == TB_OK, "%s", tb_last_error());
  double read = r.s[TB_C_read_bytes];
  TB_CHECK(read == 6 * 3 * 4 * fx_record_bytes(), "read bytes %g", read);
  TB_CHECK(r.s[TB_C_page_cache_bytes] >= 0.99 * read && r.s[TB_C_device_bytes] <= 0.01 * read,
           "resident model: page cache %g, device %g of %g", r.s[TB_C_page_cache_bytes],
           r.s[TB_C_device_bytes], read);
  TB_CHECK(r.s[TB_C_page_cache_bytes] + r.s[TB_C_device_bytes] == read, "sources add up to read bytes");
  TB_CHECK(r.s[TB_C_buffered_reads] == r.s[TB_C_reads] && r.s[TB_C_direct_reads] == 0, "all buffered");
}

TB_TEST(run_source_cold_direct_reads_device) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  fx_drop(model, 3);
  TB_CHECK(fx_resident(model, 3) == 0, "model not resident after DONTNEED: %lld bytes",
           (long long)fx_resident(model, 3));
  tb_config c;
  fx_config(&c, model, 6);
  fx_set_str(&c, "io.direct", "on");
  fx_result r = fx_run(&c);
  TB_CHECK(r.rc == TB_OK, "%s", tb_last_error());
  TB_CHECK(r.s[TB_C_device_bytes] == r.s[TB_C_read_bytes] && r.s[TB_C_page_cache_bytes] == 0,
           "direct: device %g, page cache %g, read %g", r.s[TB_C_device_bytes],
           r.s[TB_C_page_cache_bytes], r.s[TB_C_read_bytes]);
  TB_CHECK(r.s[TB_C_direct_reads] == r.s[TB_C_reads] && r.s[TB_C_reads] == 72, "72 direct reads");
  TB_CHECK(fx_resident(model, 3) == 0, "direct reads left the page cache empty");
}

/* Step one token at a time and return the counters after it. */
static void step_stats(tb_run *r, double s[TB_COUNTER_COUNT]) {
  int rc = tb_run_step(r, 0, NULL);
  TB_CHECK(rc == TB_MORE || rc == TB_OK, "step: %s", tb_last_error());
  tb_run_stats(r, s);
}

TB_TEST(run_source_buffered_reread_hits_page_cache) {
  const char *dir = tb_test_tmpdir();
  const char *model = fx_make_model(dir);
  if (!model) return;
  char trace[4200];
  snprintf(trace, sizeof trace, "%s/t.trace", dir);
  const int ids[3] = { 3, 5, 7 };
  write_trace(trace, 2, ids);
  fx_drop(model, 3);
  tb_config c;
  trace_config(&c, model, trace, 2);
  tb_run *r;
  TB_CHECK_OK(tb_run_open(&r, &c));
  if (!r) return;
  double rec = (double)fx_record_bytes(), s[TB_COUNTER_COUNT];
  step_stats(r, s);
  TB_CHECK(s[TB_C_device_bytes] == 3 * rec && s[TB_C_page_cache_bytes] == 0,
           "first read cold: device %g, page cache %g", s[TB_C_device_bytes], s[TB_C_page_cache_bytes]);
  step_stats(r, s);
  TB_CHECK(s[TB_C_device_bytes] == 3 * rec && s[TB_C_page_cache_bytes] == 3 * rec,
           "second read from the page cache: device %g, page cache %g", s[TB_C_device_bytes],
           s[TB_C_page_cache_bytes]);
  TB_CHECK(s[TB_C_copy_s] > 0, "page-cache copies have a time");
  tb_run_close(r);
}

TB_TEST(run_source_first_touch) {
  const char *dir = tb_test_tmpdir();
  const char *model = fx_make_model(dir);
  if (!model) return;
  char trace[4200];
  snprintf(trace, sizeof trace, "%s/t.trace", dir);
  const int ids[3] = { 2, 9, 15 };
  write_trace(trace, 3, ids);
  fx_drop(model, 3);
  tb_config c;
  trace_config(&c, model, trace, 3);
  fx_set_str(&c, "io.direct", "first-touch");
  tb_run *r;
  TB_CHECK_OK(tb_run_open(&r, &c));
  if (!r) return;
  double rec = (double)fx_record_bytes(), s[TB_COUNTER_COUNT];
  /* token 0: each expert's first read bypasses the page cache (device, nothing left resident) */
  step_stats(r, s);
  TB_CHECK(s[TB_C_direct_reads] == 3 && s[TB_C_buffered_reads] == 0, "first touch is direct");
  TB_CHECK(s[TB_C_device_bytes] == 3 * rec, "first touch from the device");
  TB_CHECK(fx_resident(model, 3) == 0, "a direct read leaves nothing in the page cache");
  /* token 1: the re-read goes through the page cache — still from the device, since the direct
   * read left nothing there, but now it stays */
  step_stats(r, s);
  TB_CHECK(s[TB_C_direct_reads] == 3 && s[TB_C_buffered_reads] == 3, "re-read is buffered");
  TB_CHECK(s[TB_C_device_bytes] == 6 * rec && s[TB_C_page_cache_bytes] == 0, "re-read fills the page cache");
  /* token 2: served by the page cache */
  step_stats(r, s);
  TB_CHECK(s[TB_C_buffered_reads] == 6 && s[TB_C_page_cache_bytes] == 3 * rec,
           "third read from the page cache: %g", s[TB_C_page_cache_bytes]);
  tb_run_close(r);
}

TB_TEST(run_source_partly_resident_record) {
  const char *dir = tb_test_tmpdir();
  const char *model = fx_make_model(dir);
  if (!model) return;
  char trace[4200];
  snprintf(trace, sizeof trace, "%s/t.trace", dir);
  const int ids[3] = { 4, 4, 4 };
  write_trace(trace, 1, ids);
  fx_drop(model, 3);
  /* bring the first 8 pages of layer 0's expert 4 into the page cache */
  char path[4200];
  fx_layer_path(model, 0, path, sizeof path);
  int fd = open(path, O_RDONLY);
  static char buf[8 * 4096];
  posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
  TB_CHECK(pread(fd, buf, sizeof buf, 4 * fx_record_bytes()) == (ssize_t)sizeof buf, "pread");
  close(fd);
  tb_config c;
  trace_config(&c, model, trace, 1);
  tb_run *r;
  TB_CHECK_OK(tb_run_open(&r, &c));
  if (!r) return;
  TB_CHECK(tb_run_step(r, 0, NULL) == TB_OK, "step: %s", tb_last_error());
  double ls[3 * TB_LAYER_COUNTER_COUNT];
  TB_CHECK(tb_run_layer_stats(r, ls, 3 * TB_LAYER_COUNTER_COUNT) == 3 * TB_LAYER_COUNTER_COUNT, "layer rows");
  double rec = (double)fx_record_bytes();
  double pc = ls[TB_L_page_cache_bytes], dev = ls[TB_L_device_bytes];
  /* at least the pages read are resident; the kernel may cache a little more (large folios) */
  TB_CHECK(pc >= sizeof buf && pc < rec && pc + dev == rec, "layer 0: page cache %g, device %g", pc, dev);
  TB_CHECK(ls[TB_LAYER_COUNTER_COUNT + TB_L_page_cache_bytes] == 0, "layer 1 cold");
  tb_run_close(r);
}

/* DESIGN §1: a layer's demand reads are issued only after its routing is released. */
TB_TEST(run_no_demand_read_before_release) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  const char *modes[] = { "serial", "overlapped" };
  for (int m = 0; m < 2; m++) {
    tb_config c;
    fx_config(&c, model, 5);
    fx_set_str(&c, "exec.mode", modes[m]);
    fx_set_str(&c, "cache.policy", "lru");
    fx_set_int(&c, "cache.entries", 8);
    fx_result r = fx_run(&c);
    TB_CHECK(r.rc == TB_OK, "%s: %s", modes[m], tb_last_error());
    TB_CHECK(r.s[TB_C_demand_reads] > 0, "%s: reads happened", modes[m]);
    TB_CHECK(r.s[TB_C_issue_before_release] == 0, "%s: %g reads before release", modes[m],
             r.s[TB_C_issue_before_release]);
    TB_CHECK(r.s[TB_C_min_issue_lag_s] > 0 && r.s[TB_C_min_issue_lag_s] < r.s[TB_C_run_wall_s],
             "%s: min lag %g s", modes[m], r.s[TB_C_min_issue_lag_s]);
  }
}

/* io.engine=null moves no bytes: its reads are counted but attributed to no source. */
TB_TEST(run_source_null_engine_reads_nothing) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  fx_drop(model, 3);
  tb_config c;
  fx_config(&c, model, 3);
  fx_set_str(&c, "io.engine", "null");
  fx_result r = fx_run(&c);
  TB_CHECK(r.rc == TB_OK, "%s", tb_last_error());
  TB_CHECK(r.s[TB_C_reads] == 36 && r.s[TB_C_read_bytes] == 36 * fx_record_bytes(), "reads counted");
  TB_CHECK(r.s[TB_C_device_bytes] == 0 && r.s[TB_C_page_cache_bytes] == 0, "no source for null reads");
  TB_CHECK(fx_resident(model, 3) == 0, "nothing was read");
}
