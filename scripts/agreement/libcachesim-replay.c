/* libcachesim-replay.c — libCacheSim's side of the agreement (scripts/agreement.sh): replays the
 * shared key trace (little-endian uint32) through one libCacheSim policy with unit object sizes,
 * so its cache size is an entry count, and prints misses and throughput as one JSON line.
 * Built by the script against a libCacheSim built from source outside the project. */
#include <libCacheSim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static cache_t *make(const char *policy, common_cache_params_t p) {
  if (!strcmp(policy, "lru")) return LRU_init(p, NULL);
  if (!strcmp(policy, "clock")) return Clock_init(p, NULL);
  if (!strcmp(policy, "arc")) return ARC_init(p, NULL);
  if (!strcmp(policy, "s3fifo")) return S3FIFO_init(p, NULL);
  if (!strcmp(policy, "sieve")) return Sieve_init(p, NULL);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: libcachesim-replay KEYS.u32 POLICY CAPACITY REPEATS\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  fseek(f, 0, SEEK_END);
  size_t n = (size_t)ftell(f) / sizeof(uint32_t);
  rewind(f);
  uint32_t *keys = malloc(n * sizeof *keys);
  if (!keys || fread(keys, sizeof *keys, n, f) != n) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
  fclose(f);
  int capacity = atoi(argv[3]), repeats = atoi(argv[4]);
  common_cache_params_t p = default_common_cache_params();
  p.cache_size = capacity;        /* objects of size 1 */
  p.hashpower = 16;
  double best = 1e30;
  long long misses = -1;
  for (int rep = 0; rep < repeats; rep++) {
    cache_t *c = make(argv[2], p);
    if (!c) { fprintf(stderr, "no policy %s\n", argv[2]); return 1; }
    request_t *req = new_request();
    long long m = 0;
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
      req->obj_id = keys[i] + 1;  /* ids from 1 */
      req->obj_size = 1;
      req->hv = 0;                /* the hash table caches the hash in the request */
      req->clock_time = (int64_t)i;
      m += !c->get(c, req);
    }
    double dt = now() - t0;
    if (dt < best) best = dt;
    misses = m;
    free_request(req);
    c->cache_free(c);
  }
  printf("{\"simulator\":\"libCacheSim\",\"policy\":\"%s\",\"capacity\":%d,\"requests\":%zu,\"misses\":%lld,"
         "\"seconds\":%.6f,\"mreq_per_s\":%.2f}\n", argv[2], capacity, n, misses, best, n / best / 1e6);
  free(keys);
  return 0;
}
