/* common.c — error reporting, clocks, aligned memory, hashing and the RNG (see common.h). */
#define _GNU_SOURCE
#include "common.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Thread_local char last_error[2048];

int tb_fail(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return status;
}

void tb_clear_error(void) { last_error[0] = 0; }
const char *tb_error_message(void) { return last_error; }

double tb_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double tb_thread_cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void *tb_alloc_touched(size_t bytes, size_t align) {
  void *p = NULL;
  if (bytes == 0) bytes = align;
  size_t rounded = (bytes + align - 1) / align * align;
  if (posix_memalign(&p, align, rounded) != 0) return NULL;
  memset(p, 0, rounded);  /* faults every page in now, never in the token loop */
  return p;
}

void tb_free_aligned(void *p) { free(p); }

uint64_t tb_fnv1a(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 0x100000001b3ULL; }
  return h;
}

uint64_t tb_splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void tb_rng_seed(tb_rng *r, uint64_t seed) {
  uint64_t s = seed;
  for (int i = 0; i < 4; i++) r->s[i] = tb_splitmix64(&s);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t tb_rng_next(tb_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t; s[3] = rotl(s[3], 45);
  return result;
}

double tb_rng_uniform(tb_rng *r) { return (double)(tb_rng_next(r) >> 11) * 0x1.0p-53; }
