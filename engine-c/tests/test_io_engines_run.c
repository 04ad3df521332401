/* test_io_engines_run.c — the runtime's rules hold whatever io.engine moves the bytes: the output
 * hash equals the pread pool's, reads are attributed to their source, no demand read precedes its
 * routing release, and mmap-zerocopy really computes on resident records in place. */
#define _GNU_SOURCE
#include "tb_test.h"
#include "test_io_util.h"
#include "test_run_fixture.h"
#include "../src/engine/run_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const char *key, *value; } setting;

static void apply(tb_config *c, const setting *s, int n, char *desc, int len) {
  desc[0] = 0;
  for (int i = 0; i < n && s[i].key; i++) {
    const tb_key *k = tb_key_find(s[i].key);
    TB_CHECK(k != NULL, "key %s", s[i].key);
    if (!k) continue;
    if (k->type == TB_KEY_INT) fx_set_int(c, k->name, atoi(s[i].value));
    else if (k->type == TB_KEY_REAL) fx_set_real(c, k->name, atof(s[i].value));
    else fx_set_str(c, k->name, s[i].value);
    snprintf(desc + strlen(desc), (size_t)len - strlen(desc), "%s=%s ", k->name, s[i].value);
  }
}

TB_TEST(run_engines_hash_equals_the_pread_pools) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  tb_config base;
  fx_config(&base, model, 5);
  fx_result ref = fx_run(&base);             /* pread, serial, buffered, no cache */
  TB_CHECK(ref.rc == TB_OK && ref.finite, "baseline: %s", tb_last_error());
  const setting variants[][3] = {
    { { "exec.mode", "serial" } },
    { { "exec.mode", "overlapped" } },
    { { "io.chunk", "8192" }, { "io.threads", "3" }, { "io.queue_depth", "3" } },
    { { "io.chunk", "12288" }, { "exec.mode", "overlapped" }, { "io.queue_depth", "1" } },
    { { "cache.policy", "lru" }, { "cache.entries", "10" } },     /* fills: bytes must land in slots */
    { { "io.direct", "on" } },
    { { "io.direct", "first-touch" }, { "exec.mode", "overlapped" } },
  };
  const tb_io_ops *ops;
  for (int e = 0; (ops = tio_engine(e)); e++)
    for (int warm = 0; warm < 2; warm++)     /* cold: reads and faults; warm: in place, copies */
      for (int v = 0; v < TB_ARRAY_LEN(variants); v++) {
        tb_config c = base;
        char desc[256];
        apply(&c, variants[v], 3, desc, sizeof desc);
        fx_set_str(&c, "io.engine", ops->name);
        int direct = strcmp(c.io_direct, "off") != 0;
        if (warm) fx_warm(model, 3); else fx_drop(model, 3);
        fx_result got = fx_run(&c);
        if (direct && tio_buffered_only(ops)) {
          TB_CHECK(got.rc == TB_ERR_ARG && strstr(tb_last_error(), "reads through the page cache"),
                   "%s %s: a buffered-only engine ran direct reads (rc %d)", ops->name, desc, got.rc);
          continue;
        }
        TB_CHECK(got.rc == TB_OK, "%s %s: %s", ops->name, desc, tb_last_error());
        TB_CHECK(got.hash == ref.hash && got.finite, "%s %s(%s): hash %016llx, pread %016llx",
                 ops->name, desc, warm ? "warm" : "cold", (unsigned long long)got.hash,
                 (unsigned long long)ref.hash);
      }
}

/* Step one token and read the counters after it. */
static void step_stats(tb_run *r, double s[TB_COUNTER_COUNT]) {
  int rc = tb_run_step(r, 0, NULL);
  TB_CHECK(rc == TB_MORE || rc == TB_OK, "step: %s", tb_last_error());
  tb_run_stats(r, s);
}

/* Every token routes expert ids[l] in layer l (K = 1), no readahead beyond the records. */
static void trace_config(tb_config *c, const char *dir, const char *model, int tokens) {
  static const int ids[3] = { 4, 11, 6 };
  char trace[4200];
  snprintf(trace, sizeof trace, "%s/t.trace", dir);
  tb_routing rt = { .tokens = tokens, .layers = 3, .experts = 16, .k = 1 };
  int32_t idv[3 * 4];
  float wv[3 * 4];
  rt.ids = idv;
  rt.weights = wv;
  for (int t = 0; t < tokens && t < 4; t++)
    for (int l = 0; l < 3; l++) { idv[t * 3 + l] = ids[l]; wv[t * 3 + l] = 1.0f; }
  TB_CHECK_OK(tb_routing_save(&rt, trace));
  fx_config(c, model, tokens);
  fx_set_int(c, "routing.k", 1);
  fx_set_str(c, "routing.source", "trace");
  fx_set_str(c, "routing.trace", trace);
  fx_set_str(c, "io.fadvise", "random");
}

TB_TEST(run_engines_attribute_each_read_to_its_source) {
  const char *dir = tb_test_tmpdir();
  const char *model = fx_make_model(dir);
  if (!model) return;
  double rec = (double)fx_record_bytes();
  const tb_io_ops *ops;
  for (int e = 0; (ops = tio_engine(e)); e++) {
    /* cold and buffered: the device first, the page cache on the re-read */
    tb_config c;
    trace_config(&c, dir, model, 2);
    fx_set_str(&c, "io.engine", ops->name);
    fx_drop(model, 3);
    tb_run *r = NULL;
    TB_CHECK_OK(tb_run_open(&r, &c));
    if (!r) continue;
    double s[TB_COUNTER_COUNT];
    step_stats(r, s);
    TB_CHECK(s[TB_C_device_bytes] == 3 * rec && s[TB_C_page_cache_bytes] == 0,
             "%s: first read cold: device %g, page cache %g", ops->name, s[TB_C_device_bytes],
             s[TB_C_page_cache_bytes]);
    step_stats(r, s);
    TB_CHECK(s[TB_C_device_bytes] == 3 * rec && s[TB_C_page_cache_bytes] == 3 * rec,
             "%s: re-read from the page cache: device %g, page cache %g", ops->name,
             s[TB_C_device_bytes], s[TB_C_page_cache_bytes]);
    tb_run_close(r);

    /* fully resident: the page cache only */
    fx_warm(model, 3);
    fx_config(&c, model, 4);
    fx_set_str(&c, "io.engine", ops->name);
    fx_result w = fx_run(&c);
    TB_CHECK(w.rc == TB_OK && w.s[TB_C_read_bytes] == 4 * 3 * 4 * rec, "%s: %s", ops->name, tb_last_error());
    TB_CHECK(w.s[TB_C_page_cache_bytes] >= 0.99 * w.s[TB_C_read_bytes] &&
             w.s[TB_C_page_cache_bytes] + w.s[TB_C_device_bytes] == w.s[TB_C_read_bytes],
             "%s: resident model: page cache %g, device %g", ops->name, w.s[TB_C_page_cache_bytes],
             w.s[TB_C_device_bytes]);

    /* cold and direct: the device only, and the page cache stays empty */
    if (tio_buffered_only(ops)) continue;   /* refusing direct reads: run_engines_hash_... */
    fx_drop(model, 3);
    fx_set_str(&c, "io.direct", "on");
    fx_result d = fx_run(&c);
    TB_CHECK(d.rc == TB_OK && d.s[TB_C_device_bytes] == d.s[TB_C_read_bytes] &&
             d.s[TB_C_page_cache_bytes] == 0 && d.s[TB_C_direct_reads] == d.s[TB_C_reads],
             "%s: direct: device %g of %g", ops->name, d.s[TB_C_device_bytes], d.s[TB_C_read_bytes]);
    TB_CHECK(fx_resident(model, 3) == 0, "%s: direct reads left pages in the page cache", ops->name);
  }
}

TB_TEST(run_engines_issue_no_demand_read_before_release) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  const char *modes[] = { "serial", "overlapped" };
  const tb_io_ops *ops;
  for (int e = 0; (ops = tio_engine(e)); e++)
    for (int m = 0; m < 2; m++) {
      tb_config c;
      fx_config(&c, model, 4);
      fx_set_str(&c, "io.engine", ops->name);
      fx_set_str(&c, "exec.mode", modes[m]);
      fx_result r = fx_run(&c);
      TB_CHECK(r.rc == TB_OK && r.s[TB_C_demand_reads] > 0, "%s %s: %s", ops->name, modes[m], tb_last_error());
      TB_CHECK(r.s[TB_C_issue_before_release] == 0 && r.s[TB_C_min_issue_lag_s] > 0,
               "%s %s: %g reads before release, min lag %g s", ops->name, modes[m],
               r.s[TB_C_issue_before_release], r.s[TB_C_min_issue_lag_s]);
    }
}

/* Where the bytes computed for each routed expert of the last layer lived. */
static int count_in(const tb_run *r, const uint8_t *lo, size_t bytes) {
  int n = 0;
  for (int k = 0; k < r->k; k++)
    n += r->fetch[k].bytes >= lo && r->fetch[k].bytes < lo + bytes;
  return n;
}

TB_TEST(run_zerocopy_computes_resident_records_in_place) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  static const char *const policies[] = { "none", "lru" };
  for (int p = 0; p < 2; p++) {
    fx_warm(model, 3);
    tb_config c;
    fx_config(&c, model, 2);
    fx_set_str(&c, "io.engine", "mmap-zerocopy");
    fx_set_str(&c, "cache.policy", policies[p]);
    if (p == 1) fx_set_int(&c, "cache.entries", 48);   /* every record fits: all fills */
    tb_run *r = NULL;
    TB_CHECK_OK(tb_run_open(&r, &c));
    if (!r) continue;
    double s[TB_COUNTER_COUNT];
    step_stats(r, s);
    size_t scratch = (size_t)r->k * (size_t)r->slot_stride;
    size_t arena = (size_t)r->c[TB_C_cache_capacity_entries] * (size_t)r->slot_stride;
    int in_scratch = count_in(r, r->scratch, scratch);
    int in_slots = r->arena ? count_in(r, r->arena, arena) : 0;
    if (p == 0)   /* bypass reads of resident records: neither scratch nor slots, the mapping */
      TB_CHECK(in_scratch == 0 && in_slots == 0, "none: %d of %d records copied to scratch", in_scratch, r->k);
    else          /* a fill must hold the bytes: copied into the slot */
      TB_CHECK(in_slots == r->k, "lru: %d of %d records in cache slots", in_slots, r->k);
    TB_CHECK(s[TB_C_page_cache_bytes] == s[TB_C_read_bytes], "resident: page cache %g of %g",
             s[TB_C_page_cache_bytes], s[TB_C_read_bytes]);
    tb_run_close(r);
  }
}
