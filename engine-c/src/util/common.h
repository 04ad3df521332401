/* common.h — small shared helpers of the engine: error reporting, clocks, aligned memory,
 * hashing and a seeded RNG. Every engine source includes this. */
#ifndef TB_COMMON_H
#define TB_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include "../../include/tierbench.h"

#define TB_ALIGN 4096            /* bytes: I/O buffers and slots (O_DIRECT-safe) */
#define TB_ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Record an error message for tb_last_error() (thread-local) and return `status`. */
int tb_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tb_clear_error(void);
const char *tb_error_message(void);

/* Clocks, seconds. */
double tb_now(void);             /* CLOCK_MONOTONIC */
double tb_thread_cpu(void);      /* CLOCK_THREAD_CPUTIME_ID */

/* Aligned, zeroed and touched allocation (pages faulted in now, not in the token loop). */
void *tb_alloc_touched(size_t bytes, size_t align);
void tb_free_aligned(void *p);

/* FNV-1a 64-bit, chainable: h = tb_fnv1a(h, p, n); start with TB_FNV_INIT. */
#define TB_FNV_INIT 0xcbf29ce484222325ULL
uint64_t tb_fnv1a(uint64_t h, const void *p, size_t n);

/* splitmix64 / xoshiro256** — deterministic across platforms. */
typedef struct { uint64_t s[4]; } tb_rng;
void tb_rng_seed(tb_rng *r, uint64_t seed);
uint64_t tb_rng_next(tb_rng *r);
double tb_rng_uniform(tb_rng *r);         /* [0,1) */
uint64_t tb_splitmix64(uint64_t *state);

/* float <-> bfloat16 (round to nearest even). */
static inline uint16_t tb_f32_to_bf16(float f) {
  union { float f; uint32_t u; } v = { f };
  uint32_t lsb = (v.u >> 16) & 1u;
  v.u += 0x7fffu + lsb;
  return (uint16_t)(v.u >> 16);
}
static inline float tb_bf16_to_f32(uint16_t b) {
  union { uint32_t u; float f; } v = { (uint32_t)b << 16 };
  return v.f;
}

#endif
