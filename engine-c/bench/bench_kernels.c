/* bench_kernels.c — GB/s of weight bytes (weights + scales + biases) of every kernel variant
 * at 2, 4 and 8 bits over matrices far larger than the last-level cache, beside a plain
 * vectorised read of the same buffer, same pool, same run; prints kernel/read.
 *   build/bench/bench_kernels [--mib N] [--reps N] [--threads N] [--scalar-mib N]
 * Defaults: 1024 MiB, 5 repetitions (median), all online CPUs (and 1), scalar over the first
 * 128 MiB only: it runs at well under 1 GB/s, compute-bound, so a larger buffer would only
 * cost time. */
#include "../src/kernels/kernels.h"
#include "../src/util/common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* Matrix shape: an expert's gate/up projection in the qwen3.5-397b-a17b preset. */
enum { ROWS = 1024, COLS = 4096, GROUP = 64, MAX_REPS = 51, MAX_VARIANTS = 8 };

typedef struct {
  uint8_t *base;        /* the matrices, back to back */
  int64_t stride;       /* bytes per matrix: weights, scales, biases */
  int count;            /* matrices */
  tb_qmat m;            /* view of matrix 0; others at base + i·stride */
} matrix_set;

/* Lays out as many ROWS×COLS matrices at `bits` as fit in `bytes`, with random weights (already
 * in the buffer) and MLX-like scales and biases. */
static void layout(matrix_set *s, uint8_t *base, int64_t bytes, int bits, tb_rng *rng) {
  int64_t wbytes = (int64_t)ROWS * COLS * bits / 8, pbytes = (int64_t)ROWS * (COLS / GROUP) * 2;
  s->base = base;
  s->stride = wbytes + 2 * pbytes;
  s->count = (int)(bytes / s->stride);
  for (int i = 0; i < s->count; i++) {
    uint16_t *scales = (uint16_t *)(base + i * s->stride + wbytes), *biases = scales + pbytes / 2;
    for (int64_t j = 0; j < pbytes / 2; j++) {
      scales[j] = tb_f32_to_bf16((float)(0.01 * (0.5 + tb_rng_uniform(rng))));
      biases[j] = tb_f32_to_bf16((float)(-0.05 * (0.5 + tb_rng_uniform(rng))));
    }
  }
  s->m = (tb_qmat){ (const uint32_t *)base, (const uint16_t *)(base + wbytes),
                    (const uint16_t *)(base + wbytes + pbytes), ROWS, COLS, bits, GROUP };
}

/* ---- the plain read kernel: load every byte of the worker's share and reduce ---------- */
#if defined(__x86_64__)
__attribute__((target("avx512f"))) static uint64_t read_avx512(const uint8_t *p, int64_t n) {
  __m512i a = _mm512_setzero_si512(), b = a, c = a, d = a;
  for (int64_t i = 0; i + 256 <= n; i += 256) {
    a = _mm512_add_epi64(a, _mm512_loadu_si512(p + i));
    b = _mm512_add_epi64(b, _mm512_loadu_si512(p + i + 64));
    c = _mm512_add_epi64(c, _mm512_loadu_si512(p + i + 128));
    d = _mm512_add_epi64(d, _mm512_loadu_si512(p + i + 192));
  }
  return (uint64_t)_mm512_reduce_add_epi64(_mm512_add_epi64(_mm512_add_epi64(a, b), _mm512_add_epi64(c, d)));
}
__attribute__((target("avx2"))) static uint64_t read_avx2(const uint8_t *p, int64_t n) {
  __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
  for (int64_t i = 0; i + 128 <= n; i += 128) {
    a = _mm256_add_epi64(a, _mm256_loadu_si256((const __m256i *)(p + i)));
    b = _mm256_add_epi64(b, _mm256_loadu_si256((const __m256i *)(p + i + 32)));
    c = _mm256_add_epi64(c, _mm256_loadu_si256((const __m256i *)(p + i + 64)));
    d = _mm256_add_epi64(d, _mm256_loadu_si256((const __m256i *)(p + i + 96)));
  }
  uint64_t lanes[4];
  _mm256_storeu_si256((__m256i *)lanes, _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, d)));
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}
#endif
static uint64_t read_plain(const uint8_t *p, int64_t n) {   /* the compiler vectorises this */
  uint64_t s = 0;
  for (int64_t i = 0; i + 8 <= n; i += 8) { uint64_t v; memcpy(&v, p + i, 8); s += v; }
  return s;
}

typedef uint64_t (*read_fn)(const uint8_t *, int64_t);
static read_fn pick_read(const char **name) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) { *name = "avx512 load+add"; return read_avx512; }
  if (__builtin_cpu_supports("avx2")) { *name = "avx2 load+add"; return read_avx2; }
#endif
  *name = "scalar load+add";
  return read_plain;
}

typedef struct {
  read_fn fn;
  const uint8_t *chunk;
  int64_t bytes;        /* chunk size, a multiple of 256 */
  uint64_t sum[TB_POOL_MAX_THREADS];
} read_task;

static void read_share(void *v, int worker, int workers) {
  read_task *t = v;
  int64_t lines = t->bytes / 256, b = lines * worker / workers, e = lines * (worker + 1) / workers;
  t->sum[worker] += t->fn(t->chunk + b * 256, (e - b) * 256);
}

/* ---- timing ---------------------------------------------------------------------------- */
/* CPU seconds this process has used (all threads): with wall time it gives the share of the
 * requested cores a pass really got, which shows how much other tenants disturbed it. */
static double process_cpu(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + (double)u.ru_stime.tv_sec + u.ru_stime.tv_usec * 1e-6;
}

typedef struct { double wall, cpu; } pass_time;   /* seconds */

static pass_time since(double wall0, double cpu0) { return (pass_time){ tb_now() - wall0, process_cpu() - cpu0 }; }
/* Reads the first t->bytes of each of `count` matrix-sized chunks: one pool task per chunk,
 * as the kernels get one per matrix. */
static pass_time read_pass(tb_pool *p, read_task *t, const uint8_t *buf, int count, int64_t stride) {
  double t0 = tb_now(), c0 = process_cpu();
  for (int i = 0; i < count; i++) {
    t->chunk = buf + i * stride;
    tb_pool_run(p, read_share, t);
  }
  return since(t0, c0);
}

static pass_time kernel_pass(tb_pool *p, const tb_kernel_variant *k, const matrix_set *s, const float *x, float *y) {
  double t0 = tb_now(), c0 = process_cpu();
  for (int i = 0; i < s->count; i++) {
    tb_qmat m = s->m;
    const uint8_t *b = s->base + i * s->stride;
    m.w = (const uint32_t *)b;
    m.scales = (const uint16_t *)(b + ((const uint8_t *)s->m.scales - s->base));
    m.biases = (const uint16_t *)(b + ((const uint8_t *)s->m.biases - s->base));
    tb_qmatvec(p, k, &m, x, y);
  }
  return since(t0, c0);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static double median(double *v, int n) { qsort(v, n, sizeof *v, cmp_double); return v[n / 2]; }

static void print_load(const char *when) {
  double l[3];
  if (getloadavg(l, 3) == 3) printf("load average %s: %.2f %.2f %.2f\n", when, l[0], l[1], l[2]);
}

int main(int argc, char **argv) {
  int mib = 1024, reps = 5, scalar_mib = 128, threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--mib") == 0) mib = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--reps") == 0) reps = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--threads") == 0) threads = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--scalar-mib") == 0) scalar_mib = atoi(argv[i + 1]);
    else {
      fprintf(stderr, "unknown option %s\nusage: %s [--mib N] [--reps N] [--threads N] [--scalar-mib N]\n",
              argv[i], argv[0]);
      return 2;
    }
  }
  if (scalar_mib > mib) scalar_mib = mib;
  if (mib < 16 || scalar_mib < 1 || reps < 1 || reps > MAX_REPS || threads < 1 || threads > TB_POOL_MAX_THREADS) {
    fprintf(stderr, "need --mib >= 16, --scalar-mib >= 1, --reps in 1..%d, --threads in 1..%d\n", MAX_REPS, TB_POOL_MAX_THREADS);
    return 2;
  }
  int64_t bytes = (int64_t)mib << 20;
  uint8_t *kbuf = tb_alloc_touched((size_t)bytes, TB_ALIGN);
  float *x = tb_alloc_touched(COLS * sizeof(float), 64), *y = tb_alloc_touched(ROWS * sizeof(float), 64);
  if (!kbuf || !x || !y) { fprintf(stderr, "cannot allocate %d MiB\n", mib); return 1; }
  tb_rng rng;
  tb_rng_seed(&rng, 1);
  for (int64_t i = 0; i < bytes / 8; i++) { uint64_t v = tb_rng_next(&rng); memcpy(kbuf + 8 * i, &v, 8); }
  for (int i = 0; i < COLS; i++) x[i] = (float)(2.0 * tb_rng_uniform(&rng) - 1.0);

  const char *read_name;
  read_task rt = { .fn = pick_read(&read_name) };
  int thread_set[2] = { 1, threads }, nsets = threads > 1 ? 2 : 1;
  printf("kernels: %dx%d matrices, group %d, %d MiB of matrices (scalar: first %d MiB), "
         "read of the same buffer = %s, median of %d\n", ROWS, COLS, GROUP, mib, scalar_mib, read_name, reps);
  print_load("before");
  printf("cpu_share: CPU time the pass got / (wall time × threads); below 1 = other tenants' load.\n");
  printf("%-8s %-5s %-8s %12s %12s %8s %10s %10s\n", "threads", "bits", "variant", "kernel_gbps",
         "read_gbps", "ratio", "kernel_cpu", "read_cpu");
  for (int ti = 0; ti < nsets; ti++) {
    tb_pool *pool;
    if (tb_pool_create(&pool, thread_set[ti]) != TB_OK) { fprintf(stderr, "%s\n", tb_error_message()); return 1; }
    for (int bits = 2; bits <= 8; bits *= 2) {
      matrix_set s, prefix;
      layout(&s, kbuf, bytes, bits, &rng);
      prefix = s;
      prefix.count = (int)(((int64_t)scalar_mib << 20) / s.stride);
      if (prefix.count < 1) prefix.count = 1;
      rt.bytes = s.stride / 256 * 256;
      double tr[MAX_REPS], tk[MAX_VARIANTS][MAX_REPS];   /* bytes per second */
      double cr[MAX_REPS], ck[MAX_VARIANTS][MAX_REPS];   /* cpu share */
      /* Interleaved: each repetition runs the read and every variant once, so drift in other
       * tenants' load touches all of them alike. */
      for (int r = 0; r < reps; r++) {
        pass_time pt = read_pass(pool, &rt, kbuf, s.count, s.stride);
        tr[r] = (double)s.count * rt.bytes / pt.wall;
        cr[r] = pt.cpu / (pt.wall * thread_set[ti]);
        for (int v = 0; v < tb_kernel_variant_count && v < MAX_VARIANTS; v++) {
          const matrix_set *set = strcmp(tb_kernel_variants[v].name, "scalar") == 0 ? &prefix : &s;
          if (!tb_kernel_variants[v].available()) continue;
          pt = kernel_pass(pool, &tb_kernel_variants[v], set, x, y);
          tk[v][r] = (double)set->count * set->stride / pt.wall;
          ck[v][r] = pt.cpu / (pt.wall * thread_set[ti]);
        }
      }
      double read_gbps = median(tr, reps) / 1e9, read_cpu = median(cr, reps);
      for (int v = 0; v < tb_kernel_variant_count && v < MAX_VARIANTS; v++) {
        if (!tb_kernel_variants[v].available()) continue;
        double gbps = median(tk[v], reps) / 1e9;
        printf("%-8d %-5d %-8s %12.2f %12.2f %8.2f %10.2f %10.2f\n", thread_set[ti], bits,
               tb_kernel_variants[v].name, gbps, read_gbps, gbps / read_gbps, median(ck[v], reps), read_cpu);
      }
    }
    tb_pool_destroy(pool);
  }
  print_load("after");
  uint64_t sink = 0;
  for (int i = 0; i < TB_POOL_MAX_THREADS; i++) sink += rt.sum[i];
  fprintf(stderr, "(read checksum %llu, y[0] %g)\n", (unsigned long long)sink, y[0]);
  tb_free_aligned(kbuf); tb_free_aligned(x); tb_free_aligned(y);
  return 0;
}
