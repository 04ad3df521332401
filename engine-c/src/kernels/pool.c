/* pool.c — the persistent worker pool behind the row-parallel kernels: threads are started
 * once; each tb_pool_run publishes a task by bumping an epoch, workers spin briefly and then
 * sleep on a condition variable, and the caller does worker 0's share itself. */
#include "kernels.h"
#include "../util/common.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() ((void)0)
#endif

/* Polls before sleeping: long enough to catch the next task of an expert FFN (gate+up, then
 * down, microseconds apart), short enough not to steal a shared core for long (~10–50 µs). */
#define SPIN_POLLS 2000

typedef struct {
  tb_pool *pool;
  int index;                  /* worker index, 1..threads-1 */
} worker_arg;

struct tb_pool {
  int threads;                /* workers including the caller */
  int started;                /* threads actually started (threads-1 on success) */
  pthread_t *tids;            /* [threads-1] */
  worker_arg *args;           /* [threads-1] */
  pthread_mutex_t mu;
  pthread_cond_t wake;        /* epoch advanced */
  pthread_cond_t done;        /* pending reached 0 */
  _Atomic uint64_t epoch;     /* tasks published so far */
  _Atomic int pending;        /* workers (other than the caller) still running the task */
  _Atomic int stop;
  tb_pool_task task;          /* the current task: written before epoch++, read after */
  void *arg;
};

static uint64_t wait_epoch(tb_pool *p, uint64_t seen) {
  uint64_t e;
  for (int i = 0; i < SPIN_POLLS; i++) {
    if ((e = atomic_load_explicit(&p->epoch, memory_order_acquire)) != seen) return e;
    cpu_relax();
  }
  pthread_mutex_lock(&p->mu);
  while ((e = atomic_load_explicit(&p->epoch, memory_order_acquire)) == seen)
    pthread_cond_wait(&p->wake, &p->mu);
  pthread_mutex_unlock(&p->mu);
  return e;
}

static void *worker_main(void *v) {
  worker_arg *a = v;
  tb_pool *p = a->pool;
  uint64_t seen = 0;
  for (;;) {
    seen = wait_epoch(p, seen);
    if (atomic_load_explicit(&p->stop, memory_order_acquire)) break;
    p->task(p->arg, a->index, p->threads);
    if (atomic_fetch_sub_explicit(&p->pending, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&p->mu);
      pthread_cond_broadcast(&p->done);
      pthread_mutex_unlock(&p->mu);
    }
  }
  return NULL;
}

/* Publish task to every worker but the caller (pending must be 0). */
static void publish(tb_pool *p, tb_pool_task task, void *arg) {
  p->task = task;
  p->arg = arg;
  atomic_store_explicit(&p->pending, p->threads - 1, memory_order_relaxed);
  pthread_mutex_lock(&p->mu);      /* orders epoch++ against a worker about to sleep */
  atomic_fetch_add_explicit(&p->epoch, 1, memory_order_release);
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->mu);
}

static void wait_done(tb_pool *p) {
  for (int i = 0; i < SPIN_POLLS; i++) {
    if (atomic_load_explicit(&p->pending, memory_order_acquire) == 0) return;
    cpu_relax();
  }
  pthread_mutex_lock(&p->mu);
  while (atomic_load_explicit(&p->pending, memory_order_acquire) != 0)
    pthread_cond_wait(&p->done, &p->mu);
  pthread_mutex_unlock(&p->mu);
}

static void stop_workers(tb_pool *p) {
  atomic_store_explicit(&p->stop, 1, memory_order_release);
  pthread_mutex_lock(&p->mu);
  atomic_fetch_add_explicit(&p->epoch, 1, memory_order_release);
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->mu);
  for (int i = 0; i < p->started; i++) pthread_join(p->tids[i], NULL);
}

int tb_pool_create(tb_pool **out, int threads) {
  *out = NULL;
  if (threads < 1 || threads > TB_POOL_MAX_THREADS)
    return tb_fail(TB_ERR_ARG, "pool: threads=%d must be in 1..%d", threads, TB_POOL_MAX_THREADS);
  tb_pool *p = calloc(1, sizeof *p);
  if (!p) return tb_fail(TB_ERR_NOMEM, "pool: out of memory");
  p->threads = threads;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->wake, NULL);
  pthread_cond_init(&p->done, NULL);
  if (threads > 1) {
    p->tids = calloc((size_t)threads - 1, sizeof *p->tids);
    p->args = calloc((size_t)threads - 1, sizeof *p->args);
    if (!p->tids || !p->args) { tb_pool_destroy(p); return tb_fail(TB_ERR_NOMEM, "pool: out of memory"); }
    for (int i = 0; i < threads - 1; i++) {
      p->args[i] = (worker_arg){ p, i + 1 };
      int rc = pthread_create(&p->tids[i], NULL, worker_main, &p->args[i]);
      if (rc != 0) {
        tb_pool_destroy(p);
        return tb_fail(TB_ERR_NOMEM, "pool: could not start worker %d of %d (error %d)",
                       i + 1, threads - 1, rc);
      }
      p->started++;
    }
  }
  *out = p;
  return TB_OK;
}

void tb_pool_destroy(tb_pool *p) {
  if (!p) return;
  stop_workers(p);
  pthread_cond_destroy(&p->wake);
  pthread_cond_destroy(&p->done);
  pthread_mutex_destroy(&p->mu);
  free(p->tids);
  free(p->args);
  free(p);
}

int tb_pool_threads(const tb_pool *p) { return p ? p->threads : 1; }

void tb_pool_run(tb_pool *p, tb_pool_task task, void *arg) {
  if (!p || p->threads == 1) { task(arg, 0, 1); return; }
  publish(p, task, arg);
  task(arg, 0, p->threads);
  wait_done(p);
}

void tb_pool_share(int rows, int worker, int workers, int *begin, int *end) {
  *begin = (int)((int64_t)rows * worker / workers);
  *end = (int)((int64_t)rows * (worker + 1) / workers);
}
