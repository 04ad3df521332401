/* qmatvec.c — row-parallel dequantize+matvec: splits a matrix's rows into one contiguous
 * share per pool worker and runs the chosen variant's kernel on each share. */
#include "kernels.h"

typedef struct {
  tb_qmatvec_fn fn[2];        /* kernel per matrix (by its bits) */
  const tb_qmat *m[2];
  float *y[2];
  const float *x;
  int count;                  /* matrices in this task: 1 or 2 */
} qmv_task;

static void run_share(void *v, int worker, int workers) {
  const qmv_task *t = v;
  for (int i = 0; i < t->count; i++) {
    int begin, end;
    tb_pool_share(t->m[i]->rows, worker, workers, &begin, &end);
    if (begin < end) t->fn[i](t->m[i], t->x, t->y[i], begin, end);
  }
}

void tb_qmatvec(tb_pool *p, const tb_kernel_variant *kern, const tb_qmat *m, const float *x, float *y) {
  qmv_task t = { { kern->fn[m->bits] }, { m }, { y }, x, 1 };
  tb_pool_run(p, run_share, &t);
}

void tb_qmatvec2(tb_pool *p, const tb_kernel_variant *kern, const tb_qmat *m0, const tb_qmat *m1,
                 const float *x, float *y0, float *y1) {
  qmv_task t = { { kern->fn[m0->bits], kern->fn[m1->bits] }, { m0, m1 }, { y0, y1 }, x, 2 };
  tb_pool_run(p, run_share, &t);
}
