/* test_kernels_pool.c — the worker pool: argument checks, every worker runs every task
 * exactly once (through both the spinning and the sleeping hand-off), row shares. */
#include "tb_test.h"
#include "kernel_fixture.h"
#include <stdatomic.h>
#include <string.h>
#include <time.h>

TB_TEST(pool_rejects_bad_thread_counts) {
  const int bad[] = { 0, -1, TB_POOL_MAX_THREADS + 1 };
  for (int i = 0; i < 3; i++) {
    tb_pool *p = (tb_pool *)&p;
    TB_CHECK(tb_pool_create(&p, bad[i]) == TB_ERR_ARG, "threads=%d accepted", bad[i]);
    TB_CHECK(p == NULL, "threads=%d: *out should be NULL on error", bad[i]);
    TB_CHECK(strstr(tb_last_error(), "threads"), "message should name threads: %s", tb_last_error());
  }
  TB_CHECK(tb_pool_threads(NULL) == 1, "a NULL pool runs inline, as one thread");
}

#define MAX_W 4
typedef struct {
  _Atomic int hits[MAX_W];     /* runs seen per worker */
  _Atomic int bad_count;       /* runs that saw a wrong `workers` or worker index */
  int workers;
} count_task;

static void count_run(void *v, int worker, int workers) {
  count_task *t = v;
  if (workers != t->workers || worker < 0 || worker >= workers) atomic_fetch_add(&t->bad_count, 1);
  else atomic_fetch_add(&t->hits[worker], 1);
}

TB_TEST(pool_runs_every_worker_once_per_task) {
  const int runs = 3000;
  for (int n = 1; n <= MAX_W; n++) {
    tb_pool *p;
    TB_CHECK_OK(tb_pool_create(&p, n));
    TB_CHECK(tb_pool_threads(p) == n, "pool of %d reports %d threads", n, tb_pool_threads(p));
    count_task t = { .workers = n };
    for (int i = 0; i < runs; i++) {
      /* Every 500th task comes after a pause long enough for the workers to stop spinning
       * and sleep, so both hand-off paths are exercised. */
      if (i % 500 == 499) nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
      tb_pool_run(p, count_run, &t);
      /* tb_pool_run returns only when every worker has finished this task. */
      if (atomic_load(&t.hits[n - 1]) != i + 1) {
        TB_CHECK(0, "pool of %d: run %d returned before worker %d finished", n, i, n - 1);
        break;
      }
    }
    for (int w = 0; w < n; w++)
      TB_CHECK(atomic_load(&t.hits[w]) == runs, "pool of %d: worker %d ran %d of %d tasks", n, w,
               atomic_load(&t.hits[w]), runs);
    TB_CHECK(atomic_load(&t.bad_count) == 0, "pool of %d: %d runs saw wrong indices", n,
             atomic_load(&t.bad_count));
    tb_pool_destroy(p);
  }
}

TB_TEST(pool_share_partitions_rows) {
  for (int rows = 0; rows <= 40; rows++)
    for (int n = 1; n <= 5; n++) {
      int next = 0;
      for (int w = 0; w < n; w++) {
        int b, e;
        tb_pool_share(rows, w, n, &b, &e);
        TB_CHECK(b == next && e >= b, "rows=%d n=%d worker %d: [%d,%d) does not follow %d", rows, n, w, b, e, next);
        TB_CHECK(e - b == rows / n || e - b == rows / n + 1, "rows=%d n=%d worker %d: %d rows, unbalanced",
                 rows, n, w, e - b);
        next = e;
      }
      TB_CHECK(next == rows, "rows=%d n=%d: shares end at %d", rows, n, next);
    }
}
