/* test_run_hash.c — the output-hash rule of DESIGN §1: bit-identical whatever the cache policy,
 * scope, I/O threads, chunking, direct mode, fadvise, execution mode or compute threads; changed
 * by one byte of a routed expert or by one routing decision; finite outputs. */
#define _GNU_SOURCE
#include "tb_test.h"
#include "test_run_fixture.h"
#include "../src/engine/run_internal.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct { const char *key, *value; } setting;

TB_TEST(run_hash_same_across_settings) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  tb_config base;
  fx_config(&base, model, 6);
  fx_result ref = fx_run(&base);
  TB_CHECK(ref.rc == TB_OK, "baseline run: %s", tb_last_error());
  TB_CHECK(ref.finite && ref.s[TB_C_tokens] == 6, "baseline: finite %d, %g tokens", ref.finite, ref.s[TB_C_tokens]);
  TB_CHECK(ref.s[TB_C_reads] == 6 * 3 * 4, "policy none reads every expert: %g reads", ref.s[TB_C_reads]);
  /* each variant: up to three settings on top of the baseline (policy none, serial, buffered) */
  const setting variants[][3] = {
    { { "cache.policy", "lru" }, { "cache.entries", "20" } },
    { { "cache.policy", "lru" }, { "cache.entries", "3" } },                 /* < K: bypasses */
    { { "cache.policy", "lru" }, { "cache.entries", "5" }, { "cache.scope", "per-layer" } },
    { { "io.threads", "1" } },
    { { "io.threads", "4" }, { "io.chunk", "4096" } },
    { { "io.chunk", "0" } },
    { { "io.direct", "on" } },
    { { "io.direct", "first-touch" } },
    { { "io.fadvise", "random" } },
    { { "io.fadvise", "sequential" } },
    { { "exec.mode", "overlapped" } },
    { { "exec.mode", "overlapped" }, { "cache.policy", "lru" }, { "cache.entries", "10" } },
    { { "exec.mode", "overlapped" }, { "io.direct", "on" }, { "io.chunk", "8192" } },
    { { "compute.threads", "2" } },
    { { "compute.threads", "2" }, { "exec.mode", "overlapped" }, { "io.threads", "3" } },
  };
  double hits = 0, fills = 0, bypasses = 0;   /* the cache paths the hash equality covered */
  for (int v = 0; v < TB_ARRAY_LEN(variants); v++) {
    tb_config c = base;
    char desc[256] = "";
    for (int i = 0; i < 3 && variants[v][i].key; i++) {
      const tb_key *k = tb_key_find(variants[v][i].key);
      TB_CHECK(k != NULL, "key %s", variants[v][i].key);
      if (!k) continue;
      if (k->type == TB_KEY_INT) fx_set_int(&c, k->name, atoi(variants[v][i].value));
      else if (k->type == TB_KEY_REAL) fx_set_real(&c, k->name, atof(variants[v][i].value));
      else fx_set_str(&c, k->name, variants[v][i].value);
      snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "%s=%s ", k->name, variants[v][i].value);
    }
    fx_result got = fx_run(&c);
    TB_CHECK(got.rc == TB_OK, "%s: %s", desc, tb_last_error());
    TB_CHECK(got.hash == ref.hash, "%s: hash %016llx, baseline %016llx", desc,
             (unsigned long long)got.hash, (unsigned long long)ref.hash);
    TB_CHECK(got.finite, "%s: non-finite state", desc);
    hits += got.s[TB_C_app_hits];
    fills += got.s[TB_C_app_insertions];
    bypasses += got.s[TB_C_app_bypasses];
  }
  TB_CHECK(hits > 0 && fills > 0 && bypasses > 0, "hits %g, fills %g, bypasses %g: each path ran", hits, fills, bypasses);
}

/* Flip one byte of the stored record of (layer, expert) at `at` bytes into it. */
static void flip_byte(const char *model, int layer, int expert, int64_t at) {
  char path[4200];
  fx_layer_path(model, layer, path, sizeof path);
  int fd = open(path, O_RDWR);
  TB_CHECK(fd >= 0, "open %s", path);
  if (fd < 0) return;
  uint8_t b = 0;
  off_t off = (off_t)(expert * fx_record_bytes() + at);
  TB_CHECK(pread(fd, &b, 1, off) == 1, "pread");
  b ^= 0x5a;
  TB_CHECK(pwrite(fd, &b, 1, off) == 1, "pwrite");
  close(fd);
}

TB_TEST(run_hash_follows_routed_expert_bytes) {
  const char *model = fx_make_model(tb_test_tmpdir());
  if (!model) return;
  tb_config c;
  fx_config(&c, model, 2);
  /* find a routed and an unrouted expert of layer 1 from the run's own routing */
  tb_run *r;
  TB_CHECK_OK(tb_run_open(&r, &c));
  int used[16] = { 0 };
  for (int t = 0; t < 2; t++)
    for (int k = 0; k < 4; k++) used[r->routing.ids[(t * 3 + 1) * 4 + k]] = 1;
  tb_run_close(r);
  int routed = -1, unrouted = -1;
  for (int e = 0; e < 16; e++) {
    if (used[e] && routed < 0) routed = e;
    if (!used[e] && unrouted < 0) unrouted = e;
  }
  TB_CHECK(routed >= 0 && unrouted >= 0, "2 tokens x 4 experts leave some of 16 unrouted");
  if (routed < 0 || unrouted < 0) return;
  fx_result ref = fx_run(&c);
  TB_CHECK(ref.rc == TB_OK, "baseline: %s", tb_last_error());

  int64_t mid = fx_record_bytes() / 2;     /* inside up.weight */
  flip_byte(model, 1, unrouted, mid);
  fx_result same = fx_run(&c);
  TB_CHECK(same.hash == ref.hash, "a byte of an expert never routed must not change the hash");

  flip_byte(model, 1, routed, mid);
  fx_result changed = fx_run(&c);
  TB_CHECK(changed.rc == TB_OK && changed.hash != ref.hash, "one byte of routed expert %d changed nothing", routed);
  fx_set_str(&c, "io.direct", "on");       /* the device copy holds the same byte */
  fx_result direct = fx_run(&c);
  TB_CHECK(direct.hash == changed.hash, "direct read disagrees with buffered after the write");

  flip_byte(model, 1, routed, mid);        /* restore */
  fx_set_str(&c, "io.direct", "off");
  fx_result back = fx_run(&c);
  TB_CHECK(back.hash == ref.hash, "restoring the byte restores the hash");
}

TB_TEST(run_hash_follows_routing) {
  const char *dir = tb_test_tmpdir();
  const char *model = fx_make_model(dir);
  if (!model) return;
  tb_config c;
  fx_config(&c, model, 4);
  fx_result synth = fx_run(&c);
  TB_CHECK(synth.rc == TB_OK, "synthetic: %s", tb_last_error());

  /* the same routing written as a trace gives the same hash */
  tb_routing rt;
  tb_synth_params p = { .zipf = c.routing_zipf, .reuse = c.routing_reuse, .seed = (uint64_t)c.routing_seed };
  TB_CHECK_OK(tb_routing_synthetic(&rt, 4, 3, 16, 4, &p));
  char trace[4200];
  snprintf(trace, sizeof trace, "%s/a.trace", dir);
  TB_CHECK_OK(tb_routing_save(&rt, trace));
  fx_set_str(&c, "routing.source", "trace");
  fx_set_str(&c, "routing.trace", trace);
  fx_result same = fx_run(&c);
  TB_CHECK(same.rc == TB_OK && same.hash == synth.hash, "trace of the synthetic routing: %s", tb_last_error());

  /* one decision changed: token 2, layer 1, third expert → an expert not routed there */
  int32_t *ids = &rt.ids[(2 * 3 + 1) * 4];
  int e = 0;
  while (e == ids[0] || e == ids[1] || e == ids[2] || e == ids[3]) e++;
  ids[2] = e;
  TB_CHECK_OK(tb_routing_save(&rt, trace));
  fx_result changed = fx_run(&c);
  TB_CHECK(changed.rc == TB_OK && changed.hash != synth.hash, "changed routing, same hash");
  TB_CHECK(changed.finite, "finite");
  tb_routing_free(&rt);
}
