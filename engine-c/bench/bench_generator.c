/* bench_generator.c — model generator throughput (fsyncs and manifest commit included) against
 * `dd if=/dev/zero bs=4M oflag=direct conv=fsync` writing the same bytes to the same file
 * system, alternating, reporting medians and their ratio.
 *   build/bench/bench_generator [--dir DIR] [--gb 1.0] [--trials 5] [--threads 0]
 * The model is the qwen3.5-397b-a17b geometry (7,077,888 B records, 92 MB resident share per
 * layer) over 2 layers with fewer experts, sized to about --gb GB in all. */
#define _GNU_SOURCE
#include "../src/model/model.h"
#include "../src/util/common.h"
#include <dirent.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void remove_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char path[4400];
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      unlink(path);
    }
  closedir(d);
  rmdir(dir);
}

static int64_t model_bytes(const tb_geometry *g) {
  return (int64_t)g->layers * tb_model_layer_file_size(g) + tb_model_resident_size(g);
}

/* Seconds for one generation, or -1 with the error printed. */
static double run_generator(const char *dir, const tb_geometry *g, int threads, uint64_t seed) {
  double t0 = tb_now();
  tb_gen *gen;
  int rc = tb_gen_create(&gen, dir, g, seed, threads, "qwen3.5-397b-a17b");
  double progress;
  while (rc == TB_OK || rc == TB_MORE) {
    rc = tb_gen_run_step(gen, 0.1, &progress);
    if (rc == TB_OK) break;
  }
  if (gen) tb_gen_destroy(gen);
  double t = tb_now() - t0;
  if (rc) { fprintf(stderr, "generator: %s\n", tb_error_message()); return -1; }
  return t;
}

static double run_dd(const char *path, int64_t bytes) {
  char of[4400], count[64];
  snprintf(of, sizeof of, "of=%s", path);
  snprintf(count, sizeof count, "count=%lld", (long long)((bytes + (4 << 20) - 1) >> 22));
  char *argv[] = { "dd", "if=/dev/zero", of, "bs=4M", count, "oflag=direct", "conv=fsync",
                   "status=none", NULL };
  double t0 = tb_now();
  pid_t pid;
  int status;
  if (posix_spawnp(&pid, "dd", NULL, NULL, argv, environ) != 0 || waitpid(pid, &status, 0) < 0 ||
      !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "dd failed (status %d)\n", status);
    return -1;
  }
  return tb_now() - t0;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, n, sizeof *v, by_value);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv) {
  const char *base = "data";
  double gb = 1.0;
  int trials = 5, threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--dir")) base = argv[i + 1];
    else if (!strcmp(argv[i], "--gb")) gb = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--trials")) trials = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
    else { fprintf(stderr, "unknown option %s (valid: --dir --gb --trials --threads)\n", argv[i]); return 2; }
  }
  if (trials < 1 || trials > 100 || gb <= 0) { fprintf(stderr, "need 1..100 trials and --gb > 0\n"); return 2; }

  tb_geometry g = tb_preset_find("qwen3.5-397b-a17b")->g;
  g.layers = 2;
  g.k = 1;
  tb_record_layout rec;
  tb_record_layout_of(&g, g.ffn, g.bits, &rec);
  int64_t record = rec.size;
  int64_t want = (int64_t)(gb * 1e9) - tb_model_resident_size(&g);
  g.experts = want > 0 ? (int)(want / (g.layers * record)) : 1;
  if (g.experts < 1) g.experts = 1;
  int64_t bytes = model_bytes(&g);

  char dir[4096], ddfile[4200];
  snprintf(dir, sizeof dir, "%s/bench_generator.model", base);
  snprintf(ddfile, sizeof ddfile, "%s/bench_generator.dd", base);
  if (mkdir(base, 0755) != 0 && access(base, W_OK) != 0) { perror(base); return 1; }
  remove_dir(dir);
  unlink(ddfile);
  printf("bench_generator: %s, %d layers × %d experts × %lld B + resident = %.2f GB per trial, "
         "%d trials, threads %d (0 = all CPUs)\n", base, g.layers, g.experts, (long long)record,
         bytes / 1e9, trials, threads);

  double *gen_gbps = calloc(trials, sizeof(double)), *dd_gbps = calloc(trials, sizeof(double));
  for (int t = 0; t < trials; t++) {   /* alternate, so drift hits both sides alike */
    double tg = run_generator(dir, &g, threads, (uint64_t)t + 1);
    remove_dir(dir);
    double td = run_dd(ddfile, bytes);
    unlink(ddfile);
    if (tg < 0 || td < 0) return 1;
    gen_gbps[t] = bytes / tg / 1e9;
    dd_gbps[t] = (double)(((bytes + (4 << 20) - 1) >> 22) << 22) / td / 1e9;
    printf("  trial %d: generator %.3f GB/s, dd %.3f GB/s\n", t + 1, gen_gbps[t], dd_gbps[t]);
    fflush(stdout);
  }
  double mg = median(gen_gbps, trials), md = median(dd_gbps, trials);
  printf("median: generator %.3f GB/s, dd oflag=direct %.3f GB/s, ratio %.1f %%\n", mg, md,
         100 * mg / md);
  free(gen_gbps);
  free(dd_gbps);
  return 0;
}
