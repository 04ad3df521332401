/* bench_io.c — sustained read bandwidth of one I/O engine over the expert records of layer files,
 * P reads in flight and no barriers: the probe's device and page-cache figures and tierbench's
 * side of the fio comparison. One JSON object per sample on stdout (usage: --help). */
#define _GNU_SOURCE
#include "../src/io/io.h"
#include "../src/util/common.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 512
#define MAX_PARALLEL 256

typedef struct { int file; int64_t offset; } record;

typedef struct {
  const char *engine, *mode, *fadvise;
  int parallel, samples, in_place;
  int64_t record_bytes, chunk, max_bytes, span;
  double seconds;
  uint64_t seed;
  int n_files;
  const char *paths[MAX_FILES];
  int fds[MAX_FILES];
  int64_t sizes[MAX_FILES];
} options;

/* Cold modes read each record at most once per sample (a re-read would hit the page cache) and
 * drop the files' pages before each sample; buffered-warm reads the files once, untimed, then
 * cycles through the records. Record order is a seeded shuffle over all files; --span keeps the
 * records within the first BYTES of each file (a page-cache figure needs no more). Each sample
 * also gives the bytes the kernel fetched from storage meanwhile (/proc/self/io read_bytes). */
static int usage(const char *argv0, const char *why) {
  fprintf(stderr, "%s\nusage: %s --record BYTES [--engine pread] [--parallel 4] [--chunk 0] "
          "[--mode direct|buffered-cold|buffered-warm] [--fadvise normal|random|sequential] "
          "[--seconds 1] [--max-bytes N] [--span BYTES] [--samples 1] [--seed 1] [--in-place] FILE...\n",
          why, argv0);
  return 2;
}

static int parse(options *o, int argc, char **argv) {
  *o = (options){ .engine = "pread", .mode = "buffered-cold", .fadvise = "random", .parallel = 4,
                  .samples = 1, .seconds = 1.0, .max_bytes = INT64_MAX, .span = INT64_MAX, .seed = 1 };
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--in-place") == 0) { o->in_place = 1; continue; }
    if (strcmp(a, "--help") == 0) return usage(argv[0], "bench_io: read bandwidth of an I/O engine");
    if (a[0] == '-' && !v) return usage(argv[0], "missing value");
    if (strcmp(a, "--engine") == 0) o->engine = v;
    else if (strcmp(a, "--mode") == 0) o->mode = v;
    else if (strcmp(a, "--fadvise") == 0) o->fadvise = v;
    else if (strcmp(a, "--parallel") == 0) o->parallel = atoi(v);
    else if (strcmp(a, "--samples") == 0) o->samples = atoi(v);
    else if (strcmp(a, "--record") == 0) o->record_bytes = atoll(v);
    else if (strcmp(a, "--chunk") == 0) o->chunk = atoll(v);
    else if (strcmp(a, "--max-bytes") == 0) o->max_bytes = atoll(v);
    else if (strcmp(a, "--span") == 0) o->span = atoll(v);
    else if (strcmp(a, "--seconds") == 0) o->seconds = atof(v);
    else if (strcmp(a, "--seed") == 0) o->seed = (uint64_t)atoll(v);
    else if (a[0] == '-') return usage(argv[0], "unknown option");
    else { if (o->n_files == MAX_FILES) return usage(argv[0], "too many files"); o->paths[o->n_files++] = a; continue; }
    i++;
  }
  if (o->record_bytes <= 0 || o->n_files == 0) return usage(argv[0], "need --record and files");
  if (o->parallel < 1 || o->parallel > MAX_PARALLEL || o->samples < 1 || o->seconds <= 0)
    return usage(argv[0], "--parallel 1..256, --samples >= 1, --seconds > 0");
  if (strcmp(o->mode, "direct") && strcmp(o->mode, "buffered-cold") && strcmp(o->mode, "buffered-warm"))
    return usage(argv[0], "--mode is direct, buffered-cold or buffered-warm");
  return 0;
}

/* Bytes this process made the kernel fetch from storage so far (all threads, io-wq included). */
static int64_t device_read_bytes(void) {
  FILE *f = fopen("/proc/self/io", "r");
  char line[128];
  long long v = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "read_bytes: %lld", &v) == 1) break;
  if (f) fclose(f);
  return v;
}

static void drop_pages(const options *o) {
  for (int i = 0; i < o->n_files; i++) {
    int fd = open(o->paths[i], O_RDONLY);
    if (fd < 0) continue;
    fdatasync(fd);   /* dirty pages cannot be dropped */
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
  }
}

/* Reads the first `span` bytes of every file once, so that they are in the page cache. */
static void read_files(const options *o) {
  static char buf[1 << 20];
  for (int i = 0; i < o->n_files; i++) {
    int fd = open(o->paths[i], O_RDONLY);
    int64_t done = 0;
    ssize_t n;
    while (fd >= 0 && done < o->span && (n = read(fd, buf, sizeof buf)) > 0) done += n;
    if (fd >= 0) close(fd);
  }
}

/* Bytes of the files resident in the page cache (mincore on a fresh mapping). */
static int64_t resident_bytes(const options *o) {
  long page = sysconf(_SC_PAGESIZE);
  int64_t total = 0;
  unsigned char vec[4096];
  for (int i = 0; i < o->n_files; i++) {
    int fd = open(o->paths[i], O_RDONLY);
    if (fd < 0 || o->sizes[i] == 0) { if (fd >= 0) close(fd); continue; }
    uint8_t *map = mmap(NULL, (size_t)o->sizes[i], PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED) continue;
    for (int64_t off = 0; off < o->sizes[i]; off += (int64_t)sizeof vec * page) {
      int64_t len = o->sizes[i] - off < (int64_t)sizeof vec * page ? o->sizes[i] - off : (int64_t)sizeof vec * page;
      if (mincore(map + off, (size_t)len, vec) != 0) break;
      for (int64_t p = 0; p < (len + page - 1) / page; p++) total += (vec[p] & 1) ? page : 0;
    }
    munmap(map, (size_t)o->sizes[i]);
  }
  return total;
}

static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

typedef struct { int64_t bytes, reads, device_bytes, resident_before; double seconds, cpu_s; } sample;

/* One sample: keep P reads in flight over the shuffled records until the time or byte budget is
 * spent (or, cold, every record was read once). */
static int run_sample(const options *o, tb_io *io, const record *recs, int64_t n_recs,
                      uint8_t *bufs, int64_t buf_stride, sample *s) {
  int cold = strcmp(o->mode, "buffered-warm") != 0, direct = strcmp(o->mode, "direct") == 0;
  if (cold) drop_pages(o);
  *s = (sample){ .resident_before = cold ? resident_bytes(o) : -1 };
  tb_read reads[MAX_PARALLEL], *done[MAX_PARALLEL];
  int64_t next = 0, in_flight = 0, limit = cold ? n_recs : INT64_MAX;
  int64_t dev0 = device_read_bytes();
  double cpu0 = cpu_seconds(), t0 = tb_now(), deadline = t0 + o->seconds;
  int stop = 0;
  for (int p = 0; p < o->parallel && next < limit; p++, next++) {
    const record *r = &recs[next % n_recs];
    reads[p] = (tb_read){ .fd = o->fds[r->file], .direct = direct, .offset = r->offset,
                          .size = o->record_bytes, .dst = bufs + p * buf_stride,
                          .kind = TB_READ_DEMAND, .path = o->paths[r->file], .in_place_ok = o->in_place };
    if (tb_io_submit(io, &reads[p]) < 0) { fprintf(stderr, "submit: %s\n", tb_error_message()); return 1; }
    in_flight++;
  }
  while (in_flight > 0) {
    int n = tb_io_reap(io, done, o->parallel, 1);
    if (n < 0) { fprintf(stderr, "%s\n", tb_error_message()); return 1; }
    double now = tb_now();
    for (int i = 0; i < n; i++) {
      in_flight--;
      s->bytes += done[i]->size;
      s->reads++;
      stop |= now >= deadline || s->bytes >= o->max_bytes;
      if (stop || next >= limit) continue;
      const record *r = &recs[next++ % n_recs];
      tb_read *rd = done[i];
      rd->fd = o->fds[r->file];
      rd->offset = r->offset;
      rd->path = o->paths[r->file];
      if (tb_io_submit(io, rd) < 0) { fprintf(stderr, "submit: %s\n", tb_error_message()); return 1; }
      in_flight++;
    }
  }
  s->seconds = tb_now() - t0;
  s->cpu_s = cpu_seconds() - cpu0;
  s->device_bytes = device_read_bytes() - dev0;
  return 0;
}

int main(int argc, char **argv) {
  options o;
  int rc = parse(&o, argc, argv);
  if (rc) return rc;
  int direct = strcmp(o.mode, "direct") == 0;
  static const char *const advice[] = { "normal", "random", "sequential" };
  int fadvise = -1;
  for (int i = 0; i < 3; i++) if (strcmp(o.fadvise, advice[i]) == 0) fadvise = i;
  if (fadvise < 0) return usage(argv[0], "--fadvise is normal, random or sequential");

  int64_t n_recs = 0;
  for (int i = 0; i < o.n_files; i++) {
    o.fds[i] = open(o.paths[i], O_RDONLY | (direct ? O_DIRECT : 0));
    struct stat st;
    if (o.fds[i] < 0 || fstat(o.fds[i], &st) != 0) { perror(o.paths[i]); return 1; }
    o.sizes[i] = st.st_size;
    n_recs += (st.st_size < o.span ? st.st_size : o.span) / o.record_bytes;
    if (!direct && tb_io_fadvise(o.fds[i], fadvise, o.paths[i]) < 0) { fprintf(stderr, "%s\n", tb_error_message()); return 1; }
  }
  if (n_recs == 0) { fprintf(stderr, "the files hold no whole %lld-byte record\n", (long long)o.record_bytes); return 1; }
  record *recs = malloc((size_t)n_recs * sizeof *recs);
  int64_t buf_stride = (o.record_bytes + TB_ALIGN - 1) / TB_ALIGN * TB_ALIGN;
  uint8_t *bufs = tb_alloc_touched((size_t)(buf_stride * o.parallel), TB_ALIGN);
  if (!recs || !bufs) { fprintf(stderr, "out of memory\n"); return 1; }
  int64_t k = 0;
  for (int i = 0; i < o.n_files; i++)
    for (int64_t off = 0; off + o.record_bytes <= o.sizes[i] && off + o.record_bytes <= o.span; off += o.record_bytes)
      recs[k++] = (record){ i, off };
  tb_rng rng;
  tb_rng_seed(&rng, o.seed);
  for (int64_t i = n_recs - 1; i > 0; i--) {   /* Fisher–Yates */
    int64_t j = (int64_t)(tb_rng_next(&rng) % (uint64_t)(i + 1));
    record t = recs[i]; recs[i] = recs[j]; recs[j] = t;
  }
  if (!direct && strcmp(o.mode, "buffered-warm") == 0) read_files(&o);

  tb_io *io = NULL;
  /* thread engines have at most TB_IO_MAX_THREADS workers: more reads than that wait in queue */
  tb_io_config cfg = { .threads = o.parallel < TB_IO_MAX_THREADS ? o.parallel : TB_IO_MAX_THREADS,
                       .queue_depth = o.parallel, .chunk = o.chunk, .fadvise = fadvise };
  if (tb_io_open(o.engine, &cfg, &io) < 0) { fprintf(stderr, "%s\n", tb_error_message()); return 1; }
  for (int i = 0; i < o.samples; i++) {
    sample s;
    if (run_sample(&o, io, recs, n_recs, bufs, buf_stride, &s)) { tb_io_close(io); return 1; }
    printf("{\"tool\":\"bench_io\",\"engine\":\"%s\",\"mode\":\"%s\",\"parallel\":%d,\"record_bytes\":%lld,"
           "\"chunk\":%lld,\"fadvise\":\"%s\",\"in_place\":%d,\"files\":%d,\"records\":%lld,\"sample\":%d,"
           "\"reads\":%lld,\"bytes\":%lld,\"seconds\":%.6f,\"gbps\":%.4f,\"device_bytes\":%lld,"
           "\"resident_before\":%lld,\"cpu_s\":%.4f}\n",
           o.engine, o.mode, o.parallel, (long long)o.record_bytes, (long long)o.chunk, o.fadvise,
           o.in_place, o.n_files, (long long)n_recs, i, (long long)s.reads, (long long)s.bytes,
           s.seconds, (double)s.bytes / s.seconds / 1e9, (long long)s.device_bytes,
           (long long)s.resident_before, s.cpu_s);
    fflush(stdout);
  }
  tb_io_close(io);
  tb_free_aligned(bufs);
  free(recs);
  for (int i = 0; i < o.n_files; i++) close(o.fds[i]);
  return 0;
}
