/* qmatvec_avx512.c — AVX-512 dequantize+matvec (F, BW, VL, VBMI), 16 values per register.
 * 2/4-bit values are pulled out of a broadcast 64-bit word with VPMULTISHIFTQB and turned
 * into floats by a 16-entry VPERMPS table lookup (it reads only the low 4 bits of each lane,
 * so neighbouring values left above them need no masking). Compiles to nothing off x86-64. */
#include "variants.h"

#if defined(__x86_64__)
#include "../util/common.h"
#include <immintrin.h>
#include <string.h>

#define TB_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,fma")))
/* Forced inlining specialises the loops for each constant bits (and common group size). */
#define TB_INLINE __attribute__((always_inline)) inline
/* Loops over a block's rows are unrolled so its accumulators stay in registers. */
#define UNROLL_ROWS _Pragma("GCC unroll 4")
/* Rows per block: each load of x serves this many rows (32 zmm registers hold their
 * accumulators); measured ~1.3× the single-row rate at 4 bits with x in L1. */
#define BLOCK_ROWS 4

int tb_avx512_available(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi");
}

static inline uint64_t load64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Multishift controls: output lane k (dword) gets, in its low byte, the 8 bits of the 64-bit
 * word starting at value k's bit offset. Byte 0 of dword 2t and 2t+1 lives in qword t. */
#define MS_LANES(o0, o1) ((uint64_t)(o0) | (uint64_t)(o1) << 32)
#define MS_CTRL(f) _mm512_set_epi64(f(7), f(6), f(5), f(4), f(3), f(2), f(1), f(0))
#define Q4_OFS(t) MS_LANES(8 * (t), 8 * (t) + 4)            /* values 2t, 2t+1 of 16 */
#define Q2_LO_OFS(t) MS_LANES(4 * (t), 4 * (t) + 2)          /* values 2t, 2t+1 of 32 */
#define Q2_HI_OFS(t) MS_LANES(32 + 4 * (t), 32 + 4 * (t) + 2) /* values 16+2t, 17+2t */

/* bf16 ×16 → float ×16. */
TB_AVX512 static TB_INLINE __m512 bf16x16(__m256i raw) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(raw), 16));
}

/* Σ q·x over one group of `group` values (a multiple of 32) for R rows at once, so each
 * load of x serves R rows; t[i]: 16 partial sums of row i. Each row's arithmetic is the same
 * whatever R is, so results do not depend on how rows are blocked. */
TB_AVX512 static TB_INLINE void group_dot(const uint8_t *const *w, int64_t off, const float *x,
                                          int group, const int bits, const int R, __m512 *t) {
  __m512 t0[BLOCK_ROWS], t1[BLOCK_ROWS];
  UNROLL_ROWS for (int i = 0; i < R; i++) t0[i] = t1[i] = _mm512_setzero_ps();
  if (bits == 4) {   /* 32 values = 16 bytes */
    const __m512i ctrl = MS_CTRL(Q4_OFS);
    const __m512 lut = _mm512_set_ps(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    for (int c = 0; c < group; c += 32) {
      __m512 x0 = _mm512_loadu_ps(x + c), x1 = _mm512_loadu_ps(x + c + 16);
      UNROLL_ROWS for (int i = 0; i < R; i++) {
        const uint8_t *p = w[i] + off + c / 2;
        __m512i v0 = _mm512_set1_epi64((long long)load64(p)), v1 = _mm512_set1_epi64((long long)load64(p + 8));
        t0[i] = _mm512_fmadd_ps(_mm512_permutexvar_ps(_mm512_multishift_epi64_epi8(ctrl, v0), lut), x0, t0[i]);
        t1[i] = _mm512_fmadd_ps(_mm512_permutexvar_ps(_mm512_multishift_epi64_epi8(ctrl, v1), lut), x1, t1[i]);
      }
    }
  } else if (bits == 2) {   /* 32 values = 8 bytes */
    const __m512i lo = MS_CTRL(Q2_LO_OFS), hi = MS_CTRL(Q2_HI_OFS);
    const __m512 lut = _mm512_set_ps(3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0);
    for (int c = 0; c < group; c += 32) {
      __m512 x0 = _mm512_loadu_ps(x + c), x1 = _mm512_loadu_ps(x + c + 16);
      UNROLL_ROWS for (int i = 0; i < R; i++) {
        __m512i v = _mm512_set1_epi64((long long)load64(w[i] + off + c / 4));
        t0[i] = _mm512_fmadd_ps(_mm512_permutexvar_ps(_mm512_multishift_epi64_epi8(lo, v), lut), x0, t0[i]);
        t1[i] = _mm512_fmadd_ps(_mm512_permutexvar_ps(_mm512_multishift_epi64_epi8(hi, v), lut), x1, t1[i]);
      }
    }
  } else {   /* 8 bits: bytes are the values */
    for (int c = 0; c < group; c += 32) {
      __m512 x0 = _mm512_loadu_ps(x + c), x1 = _mm512_loadu_ps(x + c + 16);
      UNROLL_ROWS for (int i = 0; i < R; i++) {
        const __m128i *p = (const __m128i *)(w[i] + off + c);
        t0[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128(p))), x0, t0[i]);
        t1[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128(p + 1))), x1, t1[i]);
      }
    }
  }
  UNROLL_ROWS for (int i = 0; i < R; i++) t[i] = _mm512_add_ps(t0[i], t1[i]);
}

/* xsum[g] = Σ x over group g, for n groups from x. */
TB_AVX512 static void group_sums(const float *x, int group, int n, float *xsum) {
  for (int g = 0; g < n; g++, x += group) {
    __m512 a = _mm512_loadu_ps(x);
    for (int c = 16; c < group; c += 16) a = _mm512_add_ps(a, _mm512_loadu_ps(x + c));
    xsum[g] = _mm512_reduce_add_ps(a);
  }
}

/* For n groups of one row: scale[g] = float(s[g]) (so each group broadcasts a float from
 * memory), and Σ_g b_g·xsum_g as 16 partial sums (the b·Σx half of the factored form). */
TB_AVX512 static TB_INLINE __m512 scales_and_bias(const uint16_t *s, const uint16_t *b,
                                                  const float *xsum, int n, float *scale) {
  __m512 acc = _mm512_setzero_ps();
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm512_storeu_ps(scale + i, bf16x16(_mm256_loadu_si256((const __m256i *)(s + i))));
    acc = _mm512_fmadd_ps(bf16x16(_mm256_loadu_si256((const __m256i *)(b + i))), _mm512_loadu_ps(xsum + i), acc);
  }
  if (i < n) {
    __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(scale + i, k, bf16x16(_mm256_maskz_loadu_epi16(k, s + i)));
    __m512 bv = bf16x16(_mm256_maskz_loadu_epi16(k, b + i));
    acc = _mm512_fmadd_ps(bv, _mm512_maskz_loadu_ps(k, xsum + i), acc);
  }
  return acc;
}

/* Rows r..r+R-1 over the slab of n groups starting at group g0 (xs: its x, xsum: its sums). */
TB_AVX512 static TB_INLINE void row_block(const tb_qmat *m, const float *xs, const float *xsum, int g0,
                                          int n, int r, float *y, const int R, const int bits,
                                          const int group) {
  const int groups = m->cols / group, group_bytes = group * bits / 8;
  const int64_t row_bytes = (int64_t)m->cols * bits / 8;
  float scale[BLOCK_ROWS][TB_QMV_SLAB_GROUPS];
  const uint8_t *w[BLOCK_ROWS];
  __m512 bias[BLOCK_ROWS], acc0[BLOCK_ROWS], acc1[BLOCK_ROWS], t[BLOCK_ROWS];
  UNROLL_ROWS for (int i = 0; i < R; i++) {
    int64_t row = r + i;
    w[i] = (const uint8_t *)m->w + row * row_bytes + (int64_t)g0 * group_bytes;
    bias[i] = scales_and_bias(m->scales + row * groups + g0, m->biases + row * groups + g0, xsum, n, scale[i]);
    acc0[i] = acc1[i] = _mm512_setzero_ps();
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
    /* Two accumulators per row, alternating by group: one FMA chain would stall on its
     * latency when groups are short. */
    UNROLL_ROWS for (int i = 0; i < R; i++) {
      acc0[i] = _mm512_fmadd_ps(_mm512_set1_ps(scale[i][g]), t[i], acc0[i]);
      __m512 swap = acc0[i]; acc0[i] = acc1[i]; acc1[i] = swap;
    }
  }
  UNROLL_ROWS for (int i = 0; i < R; i++) {
    float v = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc0[i], acc1[i]), bias[i]));
    y[r + i] = g0 == 0 ? v : y[r + i] + v;
  }
}

#define TB_QMV_TARGET TB_AVX512
#define TB_QMV_ISA avx512
#define TB_QMV_KV TB_KV_AVX512
#include "qmatvec_simd_driver.h"

#else
int tb_avx512_available(void) { return 0; }
#endif
