/* qmatvec_simd_driver.h — the driver every SIMD dequantize+matvec variant shares: slabs of
 * groups (Σx per group once per slab), blocks of rows, the group-size specialisations and the
 * three exported entry points. Included once by each qmatvec_<isa>.c after it defines
 * TB_QMV_TARGET (the target attribute), TB_QMV_ISA (name token), TB_QMV_KV (variant index),
 * TB_INLINE, BLOCK_ROWS, group_sums() and row_block(). */
#define TB_QMV_CAT2(a, b) a##b
#define TB_QMV_CAT(a, b) TB_QMV_CAT2(a, b)
#define TB_QMV_ENTRY(bits) TB_QMV_CAT(TB_QMV_CAT(tb_qmv_, TB_QMV_ISA), _q##bits)

TB_QMV_TARGET static TB_INLINE void qmv_rows(const tb_qmat *m, const float *x, float *y, int row_begin,
                                             int row_end, const int bits, const int group) {
  const int groups = m->cols / group;
  float xsum[TB_QMV_SLAB_GROUPS];
  for (int g0 = 0; g0 < groups; g0 += TB_QMV_SLAB_GROUPS) {
    const int n = groups - g0 < TB_QMV_SLAB_GROUPS ? groups - g0 : TB_QMV_SLAB_GROUPS;
    const float *xs = x + (int64_t)g0 * group;
    group_sums(xs, group, n, xsum);
    int r = row_begin;
    for (; r + BLOCK_ROWS <= row_end; r += BLOCK_ROWS) row_block(m, xs, xsum, g0, n, r, y, BLOCK_ROWS, bits, group);
    for (; r < row_end; r++) row_block(m, xs, xsum, g0, n, r, y, 1, bits, group);
  }
}

/* The common group sizes get loops unrolled for them; any other multiple of 32 works too. */
TB_QMV_TARGET static TB_INLINE void qmv_groups(const tb_qmat *m, const float *x, float *y,
                                               int row_begin, int row_end, const int bits) {
  switch (m->group) {
    case 32: qmv_rows(m, x, y, row_begin, row_end, bits, 32); break;
    case 64: qmv_rows(m, x, y, row_begin, row_end, bits, 64); break;
    case 128: qmv_rows(m, x, y, row_begin, row_end, bits, 128); break;
    default: qmv_rows(m, x, y, row_begin, row_end, bits, m->group); break;
  }
}

TB_QMV_TARGET void TB_QMV_ENTRY(2)(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end) {
  tb_kernel_note_call(TB_QMV_KV, 2);
  qmv_groups(m, x, y, row_begin, row_end, 2);
}

TB_QMV_TARGET void TB_QMV_ENTRY(4)(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end) {
  tb_kernel_note_call(TB_QMV_KV, 4);
  qmv_groups(m, x, y, row_begin, row_end, 4);
}

TB_QMV_TARGET void TB_QMV_ENTRY(8)(const tb_qmat *m, const float *x, float *y, int row_begin, int row_end) {
  tb_kernel_note_call(TB_QMV_KV, 8);
  qmv_groups(m, x, y, row_begin, row_end, 8);
}
