/* qmatvec_avx2.c — AVX2+FMA dequantize+matvec, 8 values per register: a 32-bit word is
 * broadcast, shifted per lane (VPSRLVD), masked and converted to floats; two rows at a time
 * share each load of x. For x86-64 CPUs without the AVX-512 subset the avx512 variant needs.
 * Compiles to nothing off x86-64. */
#include "variants.h"

#if defined(__x86_64__)
#include "../util/common.h"
#include <immintrin.h>
#include <string.h>

#define TB_AVX2 __attribute__((target("avx2,fma")))
/* Forced inlining specialises the loops for each constant bits, group size and row block. */
#define TB_INLINE __attribute__((always_inline)) inline
/* Loops over a block's rows are unrolled so its accumulators stay in registers. */
#define UNROLL_ROWS _Pragma("GCC unroll 2")
/* Rows per block: 16 ymm registers hold two rows' accumulators, x and the constants. */
#define BLOCK_ROWS 2

int tb_avx2_available(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static inline int32_t load32(const uint8_t *p) { int32_t v; memcpy(&v, p, 4); return v; }

TB_AVX2 static TB_INLINE float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

/* The 8 values selected by `shifts` from a broadcast word, as floats. */
TB_AVX2 static TB_INLINE __m256 unpack8(__m256i word, __m256i shifts, __m256i mask) {
  return _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srlv_epi32(word, shifts), mask));
}

/* bf16 ×8 → float ×8. */
TB_AVX2 static TB_INLINE __m256 bf16x8(const uint16_t *p) {
  __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
}

/* Σ q·x over one group of `group` values (a multiple of 32) for R rows at once; t[i]: 8
 * partial sums of row i. Each row's arithmetic is the same whatever R is. */
TB_AVX2 static TB_INLINE void group_dot(const uint8_t *const *w, int64_t off, const float *x, int group,
                                        const int bits, const int R, __m256 *t) {
  __m256 t0[BLOCK_ROWS], t1[BLOCK_ROWS];
  UNROLL_ROWS for (int i = 0; i < R; i++) t0[i] = t1[i] = _mm256_setzero_ps();
  if (bits == 4) {   /* 16 values = 8 bytes = 2 words */
    const __m256i sh = _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28), mask = _mm256_set1_epi32(0xF);
    for (int c = 0; c < group; c += 16) {
      __m256 x0 = _mm256_loadu_ps(x + c), x1 = _mm256_loadu_ps(x + c + 8);
      UNROLL_ROWS for (int i = 0; i < R; i++) {
        const uint8_t *p = w[i] + off + c / 2;
        t0[i] = _mm256_fmadd_ps(unpack8(_mm256_set1_epi32(load32(p)), sh, mask), x0, t0[i]);
        t1[i] = _mm256_fmadd_ps(unpack8(_mm256_set1_epi32(load32(p + 4)), sh, mask), x1, t1[i]);
      }
    }
  } else if (bits == 2) {   /* 16 values = 4 bytes = 1 word */
    const __m256i lo = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    const __m256i hi = _mm256_setr_epi32(16, 18, 20, 22, 24, 26, 28, 30), mask = _mm256_set1_epi32(3);
    for (int c = 0; c < group; c += 16) {
      __m256 x0 = _mm256_loadu_ps(x + c), x1 = _mm256_loadu_ps(x + c + 8);
      UNROLL_ROWS for (int i = 0; i < R; i++) {
        __m256i v = _mm256_set1_epi32(load32(w[i] + off + c / 4));
        t0[i] = _mm256_fmadd_ps(unpack8(v, lo, mask), x0, t0[i]);
        t1[i] = _mm256_fmadd_ps(unpack8(v, hi, mask), x1, t1[i]);
      }
    }
  } else {   /* 8 bits: bytes are the values */
    for (int c = 0; c < group; c += 16) {
      __m256 x0 = _mm256_loadu_ps(x + c), x1 = _mm256_loadu_ps(x + c + 8);
      UNROLL_ROWS for (int i = 0; i < R; i++) {
        const uint8_t *p = w[i] + off + c;
        __m256 q0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)));
        __m256 q1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p + 8))));
        t0[i] = _mm256_fmadd_ps(q0, x0, t0[i]);
        t1[i] = _mm256_fmadd_ps(q1, x1, t1[i]);
      }
    }
  }
  UNROLL_ROWS for (int i = 0; i < R; i++) t[i] = _mm256_add_ps(t0[i], t1[i]);
}

/* xsum[g] = Σ x over group g, for n groups from x. */
TB_AVX2 static void group_sums(const float *x, int group, int n, float *xsum) {
  for (int g = 0; g < n; g++, x += group) {
    __m256 a = _mm256_loadu_ps(x);
    for (int c = 8; c < group; c += 8) a = _mm256_add_ps(a, _mm256_loadu_ps(x + c));
    xsum[g] = hsum8(a);
  }
}

/* For n groups of one row: scale[g] = float(s[g]) (each group then broadcasts a float from
 * memory), and returns Σ_g b_g·xsum_g (the b·Σx half of the factored form). */
TB_AVX2 static TB_INLINE float scales_and_bias(const uint16_t *s, const uint16_t *b, const float *xsum,
                                               int n, float *scale) {
  __m256 acc = _mm256_setzero_ps();
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(scale + i, bf16x8(s + i));
    acc = _mm256_fmadd_ps(bf16x8(b + i), _mm256_loadu_ps(xsum + i), acc);
  }
  float tail = 0.0f;
  for (; i < n; i++) {
    scale[i] = tb_bf16_to_f32(s[i]);
    tail += tb_bf16_to_f32(b[i]) * xsum[i];
  }
  return hsum8(acc) + tail;
}

/* Rows r..r+R-1 over the slab of n groups starting at group g0 (xs: its x, xsum: its sums). */
TB_AVX2 static TB_INLINE void row_block(const tb_qmat *m, const float *xs, const float *xsum, int g0,
                                        int n, int r, float *y, const int R, const int bits,
                                        const int group) {
  const int groups = m->cols / group, group_bytes = group * bits / 8;
  const int64_t row_bytes = (int64_t)m->cols * bits / 8;
  float scale[BLOCK_ROWS][TB_QMV_SLAB_GROUPS], bias[BLOCK_ROWS];
  const uint8_t *w[BLOCK_ROWS];
  __m256 acc0[BLOCK_ROWS], acc1[BLOCK_ROWS], t[BLOCK_ROWS];
  UNROLL_ROWS for (int i = 0; i < R; i++) {
    int64_t row = r + i;
    w[i] = (const uint8_t *)m->w + row * row_bytes + (int64_t)g0 * group_bytes;
    bias[i] = scales_and_bias(m->scales + row * groups + g0, m->biases + row * groups + g0, xsum, n, scale[i]);
    acc0[i] = acc1[i] = _mm256_setzero_ps();
  }
  /* The next block's rows follow this block's in memory: fetch them, a slice per group, while
   * this block computes. The hardware prefetcher alone has to pick up each of a block's row
   * streams anew every few KiB; measured ~1.3× from DRAM. Prefetches never fault, so the
   * last block may run past the matrix. */
  const uint8_t *next = w[0] + (int64_t)R * row_bytes;
  for (int g = 0; g < n; g++) {
    for (int j = 0; j < R * group_bytes; j += 64)
      _mm_prefetch((const char *)next + (int64_t)g * R * group_bytes + j, _MM_HINT_T0);
    group_dot(w, (int64_t)g * group_bytes, xs + (int64_t)g * group, group, bits, R, t);
    /* Two accumulators per row, alternating by group, so short groups do not wait on FMA latency. */
    UNROLL_ROWS for (int i = 0; i < R; i++) {
      acc0[i] = _mm256_fmadd_ps(_mm256_set1_ps(scale[i][g]), t[i], acc0[i]);
      __m256 swap = acc0[i]; acc0[i] = acc1[i]; acc1[i] = swap;
    }
  }
  UNROLL_ROWS for (int i = 0; i < R; i++) {
    float v = hsum8(_mm256_add_ps(acc0[i], acc1[i])) + bias[i];
    y[r + i] = g0 == 0 ? v : y[r + i] + v;
  }
}

#define TB_QMV_TARGET TB_AVX2
#define TB_QMV_ISA avx2
#define TB_QMV_KV TB_KV_AVX2
#include "qmatvec_simd_driver.h"

#else
int tb_avx2_available(void) { return 0; }
#endif
