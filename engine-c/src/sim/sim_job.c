/* sim_job.c — simulator cells on worker threads: each worker takes the next cell index until
 * none is left, so cells of unequal cost spread over the cores; the caller waits in bounded
 * steps (progress, cancel) instead of blocking for the whole sweep. */
#include "sim.h"
#include "../util/common.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 256

struct tb_sim_job {
  const tb_sim_setup *setup;
  tb_sim_cell *cells;
  int n;
  atomic_int next;         /* next cell to take */
  atomic_int done;         /* cells finished (or skipped) */
  volatile int cancel;
  pthread_mutex_t lock;
  pthread_cond_t finished; /* signalled as each cell finishes */
  pthread_t threads[MAX_THREADS];
  int n_threads;
};

static void *worker(void *arg) {
  tb_sim_job *j = arg;
  for (int i; (i = atomic_fetch_add(&j->next, 1)) < j->n;) {
    if (j->cancel) {
      j->cells[i].status = TB_ERR_CANCELLED;
      snprintf(j->cells[i].error, sizeof j->cells[i].error, "sim: cancelled");
    }
    else tb_sim_replay(j->setup, &j->cells[i], &j->cancel);
    pthread_mutex_lock(&j->lock);
    atomic_fetch_add(&j->done, 1);
    pthread_cond_broadcast(&j->finished);
    pthread_mutex_unlock(&j->lock);
  }
  return NULL;
}

int tb_sim_job_start(tb_sim_job **out, const tb_sim_setup *s, tb_sim_cell *cells, int n, int threads) {
  *out = NULL;
  if (n < 0 || threads < 0) return tb_fail(TB_ERR_ARG, "sim: %d cells on %d threads", n, threads);
  if (threads == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    threads = cpus > 0 ? (int)cpus : 1;
  }
  if (threads > n) threads = n > 0 ? n : 1;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  tb_sim_job *j = calloc(1, sizeof *j);
  if (!j) return tb_fail(TB_ERR_NOMEM, "sim: out of memory");
  j->setup = s;
  j->cells = cells;
  j->n = n;
  atomic_init(&j->next, 0);
  atomic_init(&j->done, 0);
  pthread_mutex_init(&j->lock, NULL);
  pthread_cond_init(&j->finished, NULL);
  for (; j->n_threads < threads; j->n_threads++) {
    if (pthread_create(&j->threads[j->n_threads], NULL, worker, j) != 0) {
      if (j->n_threads > 0) break;      /* fewer workers still finish every cell */
      free(j);
      return tb_fail(TB_ERR_NOMEM, "sim: cannot start a worker thread");
    }
  }
  *out = j;
  return TB_OK;
}

int tb_sim_job_wait(tb_sim_job *j, double budget_s, int *done) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  double end = until.tv_sec + until.tv_nsec * 1e-9 + (budget_s > 0 ? budget_s : 0);
  until.tv_sec = (time_t)end;
  until.tv_nsec = (long)((end - (double)until.tv_sec) * 1e9);
  pthread_mutex_lock(&j->lock);
  while (atomic_load(&j->done) < j->n)
    if (pthread_cond_timedwait(&j->finished, &j->lock, &until) != 0) break;   /* timed out */
  int d = atomic_load(&j->done);
  pthread_mutex_unlock(&j->lock);
  if (done) *done = d;
  return d < j->n ? TB_MORE : TB_OK;
}

void tb_sim_job_cancel(tb_sim_job *j) { j->cancel = 1; }

void tb_sim_job_free(tb_sim_job *j) {
  if (!j) return;
  for (int i = 0; i < j->n_threads; i++) pthread_join(j->threads[i], NULL);
  pthread_cond_destroy(&j->finished);
  pthread_mutex_destroy(&j->lock);
  free(j);
}

int tb_sim_run(const tb_sim_setup *s, tb_sim_cell *cells, int n, int threads) {
  tb_sim_job *j;
  int rc = tb_sim_job_start(&j, s, cells, n, threads);
  if (rc < 0) return rc;
  while (tb_sim_job_wait(j, 3600, NULL) == TB_MORE) {}
  tb_sim_job_free(j);
  for (int i = 0; i < n; i++)
    if (cells[i].status < 0) return tb_fail(cells[i].status, "%s", cells[i].error);
  return TB_OK;
}
