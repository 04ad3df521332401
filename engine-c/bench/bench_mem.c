/* bench_mem.c — memory bandwidth for the probe: copy (memcpy; bytes copied per second) and read
 * (every 8-byte word loaded and summed) over buffers far beyond the last-level cache, T threads.
 *   build/bench/bench_mem [--mib 256] [--samples 5] [--threads 1,2] → one JSON line per sample */
#define _GNU_SOURCE
#include "../src/util/common.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_THREADS 256

typedef struct {
  pthread_barrier_t *start;
  const uint8_t *src;
  uint8_t *dst;            /* NULL: read only */
  size_t bytes;            /* this thread's share */
  uint64_t sum;            /* keeps the reads from being optimised away */
  double t0, t1;           /* tb_now() around this thread's pass */
} share;

static void *work(void *arg) {
  share *s = arg;
  pthread_barrier_wait(s->start);
  s->t0 = tb_now();
  if (s->dst) {
    memcpy(s->dst, s->src, s->bytes);
  } else {
    const uint64_t *p = (const uint64_t *)s->src;
    uint64_t a = 0, b = 0, c = 0, d = 0;   /* four chains: loads, not adds, set the pace */
    for (size_t i = 0; i + 4 <= s->bytes / 8; i += 4) { a += p[i]; b += p[i + 1]; c += p[i + 2]; d += p[i + 3]; }
    s->sum = a + b + c + d;
  }
  s->t1 = tb_now();
  return NULL;
}

/* GB/s of one pass of `threads` threads over `bytes` (copy: src → dst), from the first thread's
 * start to the last one's end (the main thread may be descheduled at any point: not its clock). */
static double pass(int threads, const uint8_t *src, uint8_t *dst, size_t bytes, uint64_t *sink) {
  pthread_t tid[MAX_THREADS];
  share sh[MAX_THREADS];
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
  size_t part = bytes / (size_t)threads / 64 * 64;
  for (int t = 0; t < threads; t++) {
    sh[t] = (share){ .start = &start, .src = src + t * part, .dst = dst ? dst + t * part : NULL, .bytes = part };
    pthread_create(&tid[t], NULL, work, &sh[t]);
  }
  pthread_barrier_wait(&start);
  double t0 = 1e300, t1 = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(tid[t], NULL);
    t0 = sh[t].t0 < t0 ? sh[t].t0 : t0;
    t1 = sh[t].t1 > t1 ? sh[t].t1 : t1;
    *sink += sh[t].sum;
  }
  pthread_barrier_destroy(&start);
  return (double)part * threads / (t1 - t0) / 1e9;
}

int main(int argc, char **argv) {
  int mib = 256, samples = 5, n_threads = 0, thread_set[64];
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--mib") == 0) mib = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--samples") == 0) samples = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--threads") == 0) {
      for (char *tok = strtok(argv[i + 1], ","); tok && n_threads < 64; tok = strtok(NULL, ","))
        thread_set[n_threads++] = atoi(tok);
    } else {
      fprintf(stderr, "unknown option %s\nusage: %s [--mib 256] [--samples 5] [--threads 1,2]\n", argv[i], argv[0]);
      return 2;
    }
  }
  if (n_threads == 0) {   /* default: 1 and every online CPU */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    thread_set[n_threads++] = 1;
    if (cpus > 1) thread_set[n_threads++] = (int)(cpus < MAX_THREADS ? cpus : MAX_THREADS);
  }
  if (mib < 16 || samples < 1) { fprintf(stderr, "need --mib >= 16 and --samples >= 1\n"); return 2; }
  for (int i = 0; i < n_threads; i++)
    if (thread_set[i] < 1 || thread_set[i] > MAX_THREADS) { fprintf(stderr, "threads must be 1..%d\n", MAX_THREADS); return 2; }
  size_t bytes = (size_t)mib << 20;
  uint8_t *src = tb_alloc_touched(bytes, TB_ALIGN), *dst = tb_alloc_touched(bytes, TB_ALIGN);
  if (!src || !dst) { fprintf(stderr, "cannot allocate 2 x %d MiB\n", mib); return 1; }
  memset(src, 0x5a, bytes);
  uint64_t sink = 0;
  static const char *const ops[] = { "copy", "read" };
  for (int ti = 0; ti < n_threads; ti++)
    for (int op = 0; op < 2; op++) {
      pass(thread_set[ti], src, op == 0 ? dst : NULL, bytes, &sink);   /* warm-up, untimed */
      for (int s = 0; s < samples; s++)
        printf("{\"tool\":\"bench_mem\",\"op\":\"%s\",\"threads\":%d,\"mib\":%d,\"sample\":%d,\"gbps\":%.4f}\n",
               ops[op], thread_set[ti], mib, s, pass(thread_set[ti], src, op == 0 ? dst : NULL, bytes, &sink));
    }
  fprintf(stderr, "(checksum %llu)\n", (unsigned long long)sink);
  tb_free_aligned(src);
  tb_free_aligned(dst);
  return 0;
}
