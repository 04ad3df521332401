/* replay_keys.c — tierbench's side of the agreement with libCacheSim (scripts/agreement.sh):
 * `gen` writes a shared key trace (little-endian uint32 keys, layer·experts + expert, in the
 * token loop's order) from the synthetic routing; `run` replays it through one policy, one
 * request per batch, and prints misses and throughput as one JSON line. */
#include "../src/cache/cache.h"
#include "../src/routing/routing.h"
#include "../src/util/common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void) {
  fprintf(stderr, "usage: replay_keys gen OUT.u32 TOKENS LAYERS EXPERTS K ZIPF REUSE SEED\n"
                  "       replay_keys run KEYS.u32 KEYSPACE POLICY CAPACITY REPEATS\n");
  return 2;
}

static int gen(char **a) {
  tb_routing r;
  tb_synth_params p = { .zipf = atof(a[6]), .reuse = atof(a[7]), .seed = strtoull(a[8], NULL, 10) };
  int experts = atoi(a[4]);
  if (tb_routing_synthetic(&r, atoi(a[2]), atoi(a[3]), experts, atoi(a[5]), &p) < 0) {
    fprintf(stderr, "replay_keys: %s\n", tb_last_error());
    return 1;
  }
  FILE *f = fopen(a[1], "wb");
  if (!f) { perror(a[1]); return 1; }
  size_t n = (size_t)r.tokens * r.layers * r.k;
  for (size_t i = 0; i < n; i++) {
    int layer = (int)(i / r.k % r.layers);
    uint32_t key = (uint32_t)(layer * experts + r.ids[i]);
    fwrite(&key, sizeof key, 1, f);
  }
  tb_routing_free(&r);
  return fclose(f) == 0 ? 0 : 1;
}

static int run(char **a) {
  FILE *f = fopen(a[1], "rb");
  if (!f) { perror(a[1]); return 1; }
  fseek(f, 0, SEEK_END);
  size_t n = (size_t)ftell(f) / sizeof(uint32_t);
  rewind(f);
  uint32_t *keys = malloc(n * sizeof *keys);
  if (!keys || fread(keys, sizeof *keys, n, f) != n) { fprintf(stderr, "replay_keys: cannot read %s\n", a[1]); return 1; }
  fclose(f);
  int keyspace = atoi(a[2]), capacity = atoi(a[4]), repeats = atoi(a[5]);
  const tb_policy_ops *ops = tb_policy_find(a[3]);
  if (!ops) { fprintf(stderr, "replay_keys: no policy %s\n", a[3]); return 1; }
  double best = 1e30;
  int64_t misses = -1;
  for (int rep = 0; rep < repeats; rep++) {
    tb_cache *c;
    if (tb_cache_create(&c, ops, capacity, keyspace, 1) < 0) { fprintf(stderr, "%s\n", tb_last_error()); return 1; }
    double t0 = tb_now();
    for (size_t i = 0; i < n; i++) {
      tb_req r = { .layer = 0, .expert = (int)keys[i], .key = (int32_t)keys[i], .token = (int64_t)i,
                   .next_use = TB_NEXT_USE_UNKNOWN };
      int slot;
      tb_cache_access(c, &r, &slot);
      tb_cache_end_batch(c);
    }
    double dt = tb_now() - t0;
    if (dt < best) best = dt;
    if (misses >= 0 && misses != c->misses) { fprintf(stderr, "replay_keys: repeats differ\n"); return 1; }
    misses = c->misses;
    tb_cache_destroy(c);
  }
  printf("{\"simulator\":\"tierbench\",\"policy\":\"%s\",\"capacity\":%d,\"requests\":%zu,\"misses\":%lld,"
         "\"seconds\":%.6f,\"mreq_per_s\":%.2f}\n", ops->name, capacity, n, (long long)misses, best, n / best / 1e6);
  free(keys);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 10 && strcmp(argv[1], "gen") == 0) return gen(argv + 1);
  if (argc == 7 && strcmp(argv[1], "run") == 0) return run(argv + 1);
  return usage();
}
