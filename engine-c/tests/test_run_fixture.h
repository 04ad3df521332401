/* test_run_fixture.h — what the engine tests share: a small direct-I/O-capable model made with
 * the model generator, a run configuration for it, one call that runs it to the end, and page-
 * cache helpers (drop, warm, measure residency) on the model's layer files. */
#ifndef TB_TEST_RUN_FIXTURE_H
#define TB_TEST_RUN_FIXTURE_H

#include <stdint.h>
#include "../src/api/config.h"
#include "../src/engine/run.h"
#include "../src/model/geometry.h"

/* 3 layers × 16 experts, hidden 256, ffn 256, 4-bit, K 4: records of 110,592 bytes = 27 pages,
 * so O_DIRECT needs no padding and records start on page boundaries. */
extern const tb_geometry fx_geometry;

/* Generate fx_geometry (seed 42) into dir/model; returns the model dir (static storage) or NULL. */
const char *fx_make_model(const char *dir);
/* Defaults, model.dir, run.tokens, and K = 4. */
void fx_config(tb_config *c, const char *model_dir, int tokens);
/* Setters that check the key exists and the value is valid (a typo fails the test). */
void fx_set_str(tb_config *c, const char *key, const char *v);
void fx_set_int(tb_config *c, const char *key, int v);
void fx_set_real(tb_config *c, const char *key, double v);

typedef struct {
  int rc;                              /* status of open or of the last step */
  uint64_t hash;
  double s[TB_COUNTER_COUNT];
  double outer_s;                      /* tb_now() around all tb_run_step calls */
  int finite;                          /* the hidden state was finite after every token */
} fx_result;
/* Open, run every token (one per step), read stats; closes the run. */
fx_result fx_run(const tb_config *c);

/* Page cache of the model's layer files: drop (posix_fadvise DONTNEED), warm (read fully),
 * resident bytes (mincore), and file path of layer l. */
void fx_drop(const char *model_dir, int layers);
void fx_warm(const char *model_dir, int layers);
int64_t fx_resident(const char *model_dir, int layers);
void fx_layer_path(const char *model_dir, int layer, char *out, int n);
int64_t fx_record_bytes(void);

#endif
