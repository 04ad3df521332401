/* generator.c — writes a model directory with a pool of worker threads: each claims a job
 * (a batch of consecutive records of one file), fills it into its own buffer and writes it
 * with one pwrite at its exact offset (O_DIRECT where every write is 4096-aligned, so the
 * model does not sit in the page cache afterwards). The thread finishing a file fsyncs it;
 * once all are done the caller's step commits manifest.json. Workers run in the background
 * between steps; a step only waits (up to its budget) and reports progress. */
#define _GNU_SOURCE
#include "generator.h"
#include "fill.h"
#include "fsutil.h"
#include "manifest.h"
#include "../util/common.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH_BYTES (16 << 20)   /* target bytes per write: large enough to reach device speed */
#define MAX_THREADS 64

typedef struct {
  char path[4200];
  int layer;                 /* layer index, or -1 for resident.bin */
  int fd, fd_direct;         /* fd_direct -1: buffered writes only */
  int64_t units;             /* records (layer file) or pieces (resident.bin) */
  atomic_llong units_left;   /* the worker that takes it to 0 fsyncs the file */
  int manifest_index;        /* entry in man.files */
} gen_file;

typedef struct { int file; int64_t begin, end; } gen_job;   /* units [begin, end) */

enum { GEN_CREATED, GEN_RUNNING, GEN_DONE, GEN_FAILED };

struct tb_gen {
  char dir[4096];
  tb_geometry g;
  uint64_t seed;
  tb_record_layout rec;
  tb_manifest man;           /* committed at the end; checksums filled by workers */
  int checksums;
  int state;
  gen_file *files;
  int nfiles;
  gen_job *jobs;
  int njobs;
  int64_t buf_bytes;         /* per worker buffer */
  int threads;
  struct gen_worker { struct tb_gen *gen; uint8_t *buf; pthread_t tid; } workers[MAX_THREADS];
  int started;               /* threads actually running */
  atomic_int next_job;
  atomic_int jobs_done;
  atomic_llong bytes_done;
  int64_t total_bytes;
  atomic_int stop;           /* destroy before completion */
  atomic_int failed;
  pthread_mutex_t err_mu;
  int err_status;
  char err[2048];
};

/* ---- units: the smallest pieces a file is filled in ------------------------------------- */

static void unit_extent(const tb_gen *gen, const gen_file *f, int64_t u, int64_t *off, int64_t *size) {
  if (f->layer >= 0) { *off = u * gen->rec.size; *size = gen->rec.size; return; }
  int pieces = tb_resident_piece_count(&gen->g);
  int64_t poff;
  tb_resident_piece(&gen->g, (int)(u % pieces), &poff, size);
  *off = (u / pieces) * tb_model_resident_layer_stride(&gen->g) + poff;
}

static void unit_fill(const tb_gen *gen, const gen_file *f, int64_t u, uint8_t *dst) {
  if (f->layer >= 0) { tb_fill_expert_record(&gen->g, &gen->rec, gen->seed, f->layer, (int)u, dst); return; }
  int pieces = tb_resident_piece_count(&gen->g);
  tb_fill_resident_piece(&gen->g, gen->seed, (int)(u / pieces), (int)(u % pieces), dst);
}

/* ---- workers ----------------------------------------------------------------------------- */

static void record_failure(tb_gen *gen, int status) {
  pthread_mutex_lock(&gen->err_mu);
  if (!atomic_load(&gen->failed)) {
    gen->err_status = status;
    snprintf(gen->err, sizeof gen->err, "%s", tb_error_message());
    atomic_store(&gen->failed, 1);
  }
  pthread_mutex_unlock(&gen->err_mu);
}

static int write_chunk(gen_file *f, const uint8_t *buf, int64_t size, int64_t off) {
  if (f->fd_direct >= 0) {
    ssize_t n = pwrite(f->fd_direct, buf, (size_t)size, (off_t)off);
    if (n == size) return TB_OK;
    /* a refused direct write (EINVAL) or a short one: finish through the buffered fd */
    if (n < 0 && errno != EINVAL && errno != EINTR)
      return tb_fail(TB_ERR_IO, "write %s offset %lld: %s", f->path, (long long)off, strerror(errno));
    if (n > 0) { buf += n; size -= n; off += n; }
  }
  return tb_pwrite_full(f->fd, buf, size, off, f->path);
}

/* Fills and writes units [job->begin, job->end) of one file in buffer-sized chunks. */
static int run_job(tb_gen *gen, const gen_job *job, uint8_t *buf) {
  gen_file *f = &gen->files[job->file];
  uint64_t hash = TB_FNV_INIT;
  int64_t u = job->begin;
  while (u < job->end) {
    if (atomic_load(&gen->stop) || atomic_load(&gen->failed)) return TB_OK;
    int64_t chunk_off = 0, used = 0;
    for (int64_t uoff, usize; u < job->end; u++) {
      unit_extent(gen, f, u, &uoff, &usize);
      if (used == 0) chunk_off = uoff;
      else if (used + usize > gen->buf_bytes) break;
      unit_fill(gen, f, u, buf + used);
      used += usize;
    }
    if (gen->checksums) hash = tb_fnv1a(hash, buf, (size_t)used);
    int rc = write_chunk(f, buf, used, chunk_off);
    if (rc) return rc;
    atomic_fetch_add(&gen->bytes_done, used);
  }
  if (gen->checksums) {  /* a checksum job is the whole file, written in order */
    gen->man.files[f->manifest_index].has_checksum = 1;
    gen->man.files[f->manifest_index].checksum = hash;
  }
  if (atomic_fetch_sub(&f->units_left, job->end - job->begin) == job->end - job->begin)
    return tb_fsync_path(f->fd, f->path);
  return TB_OK;
}

static void *worker(void *arg) {
  tb_gen *gen = ((struct gen_worker *)arg)->gen;
  uint8_t *buf = ((struct gen_worker *)arg)->buf;
  for (;;) {
    if (atomic_load(&gen->stop) || atomic_load(&gen->failed)) break;
    int j = atomic_fetch_add(&gen->next_job, 1);
    if (j >= gen->njobs) break;
    int rc = run_job(gen, &gen->jobs[j], buf);
    if (rc) { record_failure(gen, rc); break; }
    atomic_fetch_add(&gen->jobs_done, 1);
  }
  return NULL;
}

/* ---- setup ------------------------------------------------------------------------------- */

/* Bytes held by an old file of ours about to be replaced (0 if absent); a symlink (left by
 * an import into the same directory) is removed so the write cannot go through it. */
static int prepare_target(const char *path, int64_t *reclaimable) {
  struct stat st;
  if (lstat(path, &st) != 0) return TB_OK;
  if (S_ISLNK(st.st_mode)) {
    if (unlink(path) != 0) return tb_fail(TB_ERR_IO, "unlink %s: %s", path, strerror(errno));
    return TB_OK;
  }
  if (!S_ISREG(st.st_mode))
    return tb_fail(TB_ERR_IO, "%s: exists and is not a regular file", path);
  *reclaimable += (int64_t)st.st_blocks * 512;
  return TB_OK;
}

static int open_target(gen_file *f, int direct_ok) {
  f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (f->fd < 0) return tb_fail(TB_ERR_IO, "create %s: %s", f->path, strerror(errno));
#ifdef O_DIRECT
  f->fd_direct = direct_ok ? open(f->path, O_WRONLY | O_DIRECT | O_CLOEXEC) : -1;
#else
  f->fd_direct = -1;
#endif
  return TB_OK;
}

/* Jobs: batches of ≤ BATCH_BYTES of consecutive units (≥ 1 unit); with checksums, one job per
 * file so that one thread hashes it in order. */
static int plan_jobs(tb_gen *gen) {
  int64_t max_unit = gen->rec.size;
  for (int p = 0; p < tb_resident_piece_count(&gen->g); p++) {
    int64_t off, size;
    tb_resident_piece(&gen->g, p, &off, &size);
    if (size > max_unit) max_unit = size;
  }
  gen->buf_bytes = max_unit > BATCH_BYTES ? max_unit : BATCH_BYTES;
  for (int pass = 0; pass < 2; pass++) {   /* pass 0 counts, pass 1 fills */
    int n = 0;
    for (int i = 0; i < gen->nfiles; i++) {
      gen_file *f = &gen->files[i];
      for (int64_t u = 0; u < f->units;) {
        int64_t begin = u, bytes = 0;
        for (int64_t off, size; u < f->units; u++) {
          unit_extent(gen, f, u, &off, &size);
          if (!gen->checksums && bytes && bytes + size > BATCH_BYTES) break;
          bytes += size;
        }
        if (pass) gen->jobs[n] = (gen_job){ i, begin, u };
        n++;
      }
    }
    if (!pass) {
      gen->jobs = calloc((size_t)n, sizeof *gen->jobs);
      if (!gen->jobs) return tb_fail(TB_ERR_NOMEM, "out of memory planning %d write jobs", n);
      gen->njobs = n;
    }
  }
  return TB_OK;
}

static int setup_files(tb_gen *gen, int imported) {
  const tb_geometry *g = &gen->g;
  gen->files = calloc((size_t)g->layers + 1, sizeof *gen->files);
  if (!gen->files) return tb_fail(TB_ERR_NOMEM, "out of memory");
  int64_t reclaimable = 0;
  int rc;
  for (int l = imported ? g->layers : 0; l <= g->layers; l++) {
    gen_file *f = &gen->files[gen->nfiles++];
    f->manifest_index = l;
    f->layer = l < g->layers ? l : -1;
    f->fd = f->fd_direct = -1;
    f->units = f->layer >= 0 ? g->experts : (int64_t)g->layers * tb_resident_piece_count(g);
    atomic_store(&f->units_left, f->units);
    if ((rc = tb_path_join(f->path, sizeof f->path, gen->dir, gen->man.files[l].name))) return rc;
    if ((rc = prepare_target(f->path, &reclaimable))) return rc;
    gen->total_bytes += gen->man.files[l].size;
  }
  if ((rc = tb_check_disk_space(gen->dir, gen->total_bytes, reclaimable))) return rc;
  for (int i = 0; i < gen->nfiles; i++) {
    /* direct writes need every offset and size 4096-aligned: resident pieces always are,
     * records are for the real presets (7,077,888 = 1728·4096) but not for every geometry */
    int direct_ok = gen->files[i].layer < 0 || gen->rec.size % TB_ALIGN == 0;
    if ((rc = open_target(&gen->files[i], direct_ok))) return rc;
  }
  return TB_OK;
}

int tb_gen_create_ex(tb_gen **out, const char *dir, const tb_geometry *g, uint64_t seed,
                     int threads, const char *preset_name, int imported) {
  *out = NULL;
  int rc = tb_geometry_validate(g);
  if (rc) return rc;
  if (g->layers > TB_MAX_LAYERS)
    return tb_fail(TB_ERR_ARG, "geometry: layers=%d exceeds the engine's limit of %d", g->layers,
                   TB_MAX_LAYERS);
  tb_gen *gen = calloc(1, sizeof *gen);
  if (!gen) return tb_fail(TB_ERR_NOMEM, "out of memory creating the generator");
  pthread_mutex_init(&gen->err_mu, NULL);
  *out = gen;   /* from here on, errors are cleaned up by tb_gen_destroy below */
  if (snprintf(gen->dir, sizeof gen->dir, "%s", dir) >= (int)sizeof gen->dir) {
    rc = tb_fail(TB_ERR_ARG, "model directory %s: longer than %zu bytes", dir, sizeof gen->dir - 1);
    goto fail;
  }
  gen->g = *g;
  gen->seed = seed;
  tb_record_layout_of(g, g->ffn, g->bits, &gen->rec);
  tb_manifest_init(&gen->man, g, seed, preset_name, imported);
  if ((rc = tb_mkdir_p(dir))) goto fail;
  char manifest[4200];
  struct stat st;
  if ((rc = tb_path_join(manifest, sizeof manifest, dir, TB_MANIFEST_FILE))) goto fail;
  if (lstat(manifest, &st) == 0) {
    rc = tb_fail(TB_ERR_STATE, "%s: already holds a committed model (%s); delete the directory "
                 "to generate a new one there", dir, TB_MANIFEST_FILE);
    goto fail;
  }
  if ((rc = setup_files(gen, imported))) goto fail;
  if ((rc = plan_jobs(gen))) goto fail;
  if (threads <= 0) threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  if (threads > gen->njobs) threads = gen->njobs;
  if (threads < 1) threads = 1;
  gen->threads = threads;
  return TB_OK;
fail:
  tb_gen_destroy(gen);
  *out = NULL;
  return rc;
}

int tb_gen_create(tb_gen **out, const char *dir, const tb_geometry *g, uint64_t seed,
                  int threads, const char *preset_name) {
  return tb_gen_create_ex(out, dir, g, seed, threads, preset_name, 0);
}

int tb_gen_set_checksums(tb_gen *gen, int on) {
  if (gen->state != GEN_CREATED)
    return tb_fail(TB_ERR_STATE, "generator for %s: checksums can only be set before the first step",
                   gen->dir);
  gen->checksums = on != 0;
  free(gen->jobs);
  gen->jobs = NULL;
  int rc = plan_jobs(gen);
  if (!rc && gen->threads > gen->njobs) gen->threads = gen->njobs;
  return rc;
}

/* ---- stepping ---------------------------------------------------------------------------- */

static int start_workers(tb_gen *gen) {
  for (int t = 0; t < gen->threads; t++) {
    gen->workers[t].gen = gen;
    gen->workers[t].buf = tb_alloc_touched((size_t)gen->buf_bytes, TB_ALIGN);
    if (!gen->workers[t].buf)
      return tb_fail(TB_ERR_NOMEM, "out of memory: %d generator buffers of %lld bytes",
                     gen->threads, (long long)gen->buf_bytes);
  }
  for (int t = 0; t < gen->threads; t++) {
    int e = pthread_create(&gen->workers[t].tid, NULL, worker, &gen->workers[t]);
    if (e) return tb_fail(TB_ERR_NOMEM, "pthread_create: %s", strerror(e));
    gen->started++;
  }
  return TB_OK;
}

static void join_workers(tb_gen *gen) {
  for (int t = 0; t < gen->started; t++) pthread_join(gen->workers[t].tid, NULL);
  gen->started = 0;
}

static int finish(tb_gen *gen) {
  join_workers(gen);
  for (int i = 0; i < gen->nfiles; i++) {
    gen_file *f = &gen->files[i];
    if (f->fd_direct >= 0) close(f->fd_direct);
    if (f->fd >= 0 && close(f->fd) != 0)
      return tb_fail(TB_ERR_IO, "close %s: %s", f->path, strerror(errno));
    f->fd = f->fd_direct = -1;
  }
  return tb_manifest_commit(&gen->man, gen->dir);
}

static double fraction_done(tb_gen *gen) {
  return gen->total_bytes ? (double)atomic_load(&gen->bytes_done) / (double)gen->total_bytes : 0;
}

int tb_gen_run_step(tb_gen *gen, double budget_s, double *progress) {
  if (progress) *progress = fraction_done(gen);
  if (gen->state == GEN_DONE) { if (progress) *progress = 1; return TB_OK; }
  if (gen->state == GEN_FAILED) return tb_fail(gen->err_status, "%s", gen->err);
  int rc = TB_OK;
  if (gen->state == GEN_CREATED) {
    gen->state = GEN_RUNNING;
    if ((rc = start_workers(gen))) { atomic_store(&gen->stop, 1); record_failure(gen, rc); }
  }
  double deadline = tb_now() + budget_s;
  while (atomic_load(&gen->jobs_done) < gen->njobs && !atomic_load(&gen->failed)) {
    double left = deadline - tb_now();
    if (left <= 0) break;
    double nap = left < 0.002 ? left : 0.002;   /* polling keeps this portable (no timed condvar clock) */
    struct timespec ts = { 0, (long)(nap * 1e9) };
    nanosleep(&ts, NULL);
  }
  if (progress) *progress = fraction_done(gen);
  if (atomic_load(&gen->failed)) {
    join_workers(gen);
    gen->state = GEN_FAILED;
    return tb_fail(gen->err_status, "%s", gen->err);
  }
  if (atomic_load(&gen->jobs_done) < gen->njobs) return TB_MORE;
  if ((rc = finish(gen))) {
    record_failure(gen, rc);
    gen->state = GEN_FAILED;
    return rc;
  }
  gen->state = GEN_DONE;
  if (progress) *progress = 1;
  return TB_OK;
}

void tb_gen_destroy(tb_gen *gen) {
  if (!gen) return;
  atomic_store(&gen->stop, 1);
  join_workers(gen);
  for (int i = 0; i < gen->nfiles; i++) {
    if (gen->files[i].fd >= 0) close(gen->files[i].fd);
    if (gen->files[i].fd_direct >= 0) close(gen->files[i].fd_direct);
  }
  for (int t = 0; t < MAX_THREADS; t++) tb_free_aligned(gen->workers[t].buf);
  free(gen->files);
  free(gen->jobs);
  pthread_mutex_destroy(&gen->err_mu);
  free(gen);
}
