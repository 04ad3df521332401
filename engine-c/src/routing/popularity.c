/* popularity.c — reads a popularity file (routing.h): per-layer expert weights that replace
 * Zipf in the synthetic generator. Written by `bun run trace popularity` from a measured
 * profile; strict here (exact layers × experts), any mapping happens when it is written. */
#define _GNU_SOURCE
#include "routing.h"
#include "../util/common.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_blank(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
  return *s == 0 || *s == '#';
}

int tb_popularity_load(const char *path, int layers, int experts, double **out) {
  *out = NULL;
  FILE *f = fopen(path, "r");
  if (!f) return tb_fail(TB_ERR_IO, "%s: cannot open popularity file: %s", path, strerror(errno));
  double *w = malloc((size_t)layers * experts * sizeof *w);
  if (!w) { fclose(f); return tb_fail(TB_ERR_NOMEM, "%s: out of memory", path); }
  char *line = NULL;
  size_t cap = 0;
  int lineno = 0, l = 0, rc = TB_OK;
  while (rc == TB_OK && getline(&line, &cap, f) >= 0) {
    lineno++;
    if (is_blank(line)) continue;
    if (l == layers) {
      rc = tb_fail(TB_ERR_TRACE, "%s:%d: more than the %d layer lines expected", path, lineno, layers);
      break;
    }
    char *p = line, *end;
    double sum = 0;
    int e = 0;
    for (;; e++) {
      errno = 0;
      double v = strtod(p, &end);
      if (end == p) break;
      if (errno || !isfinite(v) || v < 0) {
        rc = tb_fail(TB_ERR_TRACE, "%s:%d: weight %d is not a finite number >= 0", path, lineno, e + 1);
        break;
      }
      if (e < experts) w[(size_t)l * experts + e] = v;
      sum += v;
      p = end;
    }
    if (rc) break;
    if (!is_blank(p))
      rc = tb_fail(TB_ERR_TRACE, "%s:%d: weight %d is not a number", path, lineno, e + 1);
    else if (e != experts)
      rc = tb_fail(TB_ERR_TRACE, "%s:%d: expected %d weights (one per expert), found %d",
                   path, lineno, experts, e);
    else if (!(sum > 0))
      rc = tb_fail(TB_ERR_TRACE, "%s:%d: weights sum to 0; at least one must be positive", path, lineno);
    l++;
  }
  if (rc == TB_OK && l != layers)
    rc = tb_fail(TB_ERR_TRACE, "%s: has %d layer lines, the model has %d layers", path, l, layers);
  free(line);
  fclose(f);
  if (rc) { free(w); return rc; }
  *out = w;
  return TB_OK;
}
