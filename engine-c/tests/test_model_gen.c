/* test_model_gen.c — the generator: deterministic bytes (same seed → same files whatever the
 * thread count, different seed → different), file contents equal to tb_fill_*, the manifest
 * as commit marker, stepping, checksums and the disk-space refusal. */
#include "test_model_util.h"
#include <sys/stat.h>
#include <unistd.h>

static const int all_bits[] = { 2, 4, 8 };

static int files_equal_in(const char *a, const char *b, const char *name) {
  char pa[4200], pb[4200];
  path_in(pa, sizeof pa, a, name);
  path_in(pb, sizeof pb, b, name);
  return same_file_bytes(pa, pb);
}

TB_TEST(model_gen_same_seed_same_bytes_any_thread_count) {
  const char *tmp = tb_test_tmpdir();
  for (int i = 0; i < 3; i++) {
    tb_geometry g = tiny_geometry(all_bits[i]);
    char one[4200], three[4200];
    snprintf(one, sizeof one, "%s/b%d_t1", tmp, g.bits);
    snprintf(three, sizeof three, "%s/b%d_t3", tmp, g.bits);
    MODEL_OK(generate_model(one, &g, 7, 1, 0));
    MODEL_OK(generate_model(three, &g, 7, 3, 0));
    const char *names[] = { "layer_00.bin", "layer_01.bin", "resident.bin", "manifest.json" };
    for (int f = 0; f < 4; f++)
      TB_CHECK(files_equal_in(one, three, names[f]), "bits %d: %s differs between 1 and 3 threads",
               g.bits, names[f]);
  }
}

TB_TEST(model_gen_different_seed_different_bytes) {
  const char *tmp = tb_test_tmpdir();
  tb_geometry g = tiny_geometry(4);
  char a[4200], b[4200];
  snprintf(a, sizeof a, "%s/seed1", tmp);
  snprintf(b, sizeof b, "%s/seed2", tmp);
  MODEL_OK(generate_model(a, &g, 1, 2, 0));
  MODEL_OK(generate_model(b, &g, 2, 2, 0));
  TB_CHECK(!files_equal_in(a, b, "layer_00.bin"), "layer_00.bin identical for seeds 1 and 2");
  TB_CHECK(!files_equal_in(a, b, "resident.bin"), "resident.bin identical for seeds 1 and 2");
}

TB_TEST(model_gen_files_hold_fill_content) {
  const char *tmp = tb_test_tmpdir();
  for (int i = 0; i < 3; i++) {
    tb_geometry g = tiny_geometry(all_bits[i]);
    char dir[4200], path[4200];
    snprintf(dir, sizeof dir, "%s/b%d", tmp, g.bits);
    MODEL_OK(generate_model(dir, &g, 99, 2, 0));
    tb_record_layout rec;
    tb_record_layout_of(&g, g.ffn, g.bits, &rec);
    uint8_t *expect = malloc((size_t)rec.size);
    size_t len = 0;
    path_in(path, sizeof path, dir, "layer_01.bin");
    uint8_t *file = slurp_file(path, &len);
    TB_CHECK(file && len == (size_t)(g.experts * rec.size), "layer_01.bin: %zu bytes", len);
    for (int e = 0; file && e < g.experts; e++) {
      tb_fill_expert_record(&g, &rec, 99, 1, e, expect);
      TB_CHECK(memcmp(file + e * rec.size, expect, (size_t)rec.size) == 0,
               "bits %d: expert %d differs from tb_fill_expert_record", g.bits, e);
    }
    /* records of different experts and layers differ */
    uint8_t *other = malloc((size_t)rec.size);
    tb_fill_expert_record(&g, &rec, 99, 0, 3, expect);
    tb_fill_expert_record(&g, &rec, 99, 1, 3, other);
    TB_CHECK(memcmp(expect, other, (size_t)rec.size) != 0, "layers 0 and 1 share expert 3's bytes");
    free(other);
    free(file);
    free(expect);

    int64_t stride = tb_model_resident_layer_stride(&g);
    uint8_t *layer = malloc((size_t)stride);
    path_in(path, sizeof path, dir, "resident.bin");
    file = slurp_file(path, &len);
    TB_CHECK(file && len == (size_t)(2 * stride), "resident.bin: %zu bytes", len);
    for (int l = 0; file && l < g.layers; l++) {
      tb_fill_resident_layer(&g, 99, l, layer);
      TB_CHECK(memcmp(file + l * stride, layer, (size_t)stride) == 0,
               "bits %d: resident layer %d differs from tb_fill_resident_layer", g.bits, l);
    }
    free(file);
    free(layer);
  }
}

TB_TEST(model_gen_killed_before_manifest_is_not_a_model) {
  const char *tmp = tb_test_tmpdir();
  tb_geometry g = tiny_geometry(4);
  tb_geometry big = g;
  big.experts = 1 << 14;   /* 453 MB per layer file: far from written when the first step
                              returns; destroy stops the workers after their current batch */
  tb_model m;
  /* killed right after creation: empty layer files, no manifest */
  tb_gen *gen;
  MODEL_OK(tb_gen_create(&gen, tmp, &big, 5, 2, "tiny"));
  tb_gen_destroy(gen);
  TB_CHECK(tb_model_open(&m, tmp) == TB_ERR_MODEL, "an uncommitted directory opened as a model");
  TB_CHECK_MSG("no manifest.json: not a committed model (generation incomplete?)");
  /* killed while the workers write: a step that returned TB_MORE never commits */
  MODEL_OK(tb_gen_create(&gen, tmp, &big, 5, 2, "tiny"));
  double progress = -1;
  int rc = tb_gen_run_step(gen, 0, &progress);   /* starts the workers, does not wait */
  TB_CHECK(rc == TB_MORE && progress < 0.5, "first step -> %d (%s), progress %g", rc,
           tb_error_message(), progress);
  tb_gen_destroy(gen);
  TB_CHECK(tb_model_open(&m, tmp) == TB_ERR_MODEL, "an interrupted generation opened as a model");
  TB_CHECK_MSG("no manifest.json: not a committed model (generation incomplete?)");
  TB_CHECK_MSG(tmp);
  /* the same directory can then be generated into, and a deleted manifest uncommits it */
  MODEL_OK(generate_model(tmp, &g, 5, 2, 0));
  MODEL_OK(tb_model_open(&m, tmp));
  tb_model_close(&m);
  char manifest[4200];
  path_in(manifest, sizeof manifest, tmp, "manifest.json");
  TB_CHECK(unlink(manifest) == 0, "unlink %s", manifest);
  TB_CHECK(tb_model_open(&m, tmp) == TB_ERR_MODEL, "a directory without manifest opened");
  TB_CHECK_MSG("no manifest.json: not a committed model (generation incomplete?)");
}

TB_TEST(model_gen_steps_report_progress) {
  const char *tmp = tb_test_tmpdir();
  tb_geometry g = tiny_geometry(8);
  g.experts = 64;          /* several jobs per layer file */
  tb_gen *gen;
  MODEL_OK(tb_gen_create(&gen, tmp, &g, 3, 2, NULL));
  double last = 0, progress = 0;
  int rc, steps = 0;
  while ((rc = tb_gen_run_step(gen, 0.001, &progress)) == TB_MORE) {
    TB_CHECK(progress >= last && progress <= 1, "progress went from %g to %g", last, progress);
    last = progress;
    steps++;
  }
  TB_CHECK(rc == TB_OK, "generation -> %d: %s", rc, tb_error_message());
  TB_CHECK(progress == 1, "final progress %g", progress);
  TB_CHECK(tb_gen_run_step(gen, 0, &progress) == TB_OK && progress == 1, "a step after the end");
  TB_CHECK(tb_gen_set_checksums(gen, 1) == TB_ERR_STATE, "checksums accepted after the start");
  tb_gen_destroy(gen);
  tb_model m;
  MODEL_OK(tb_model_open(&m, tmp));
  TB_CHECK(strcmp(m.preset, "custom") == 0, "preset %s, expected custom", m.preset);
  TB_CHECK(m.seed == 3 && m.g.experts == 64 && m.g.bits == 8 && !m.imported, "manifest fields");
  tb_model_close(&m);
}

TB_TEST(model_gen_refuses_a_committed_directory) {
  const char *tmp = tb_test_tmpdir();
  tb_geometry g = tiny_geometry(2);
  MODEL_OK(generate_model(tmp, &g, 1, 1, 0));
  tb_gen *gen;
  TB_CHECK(tb_gen_create(&gen, tmp, &g, 1, 1, NULL) == TB_ERR_STATE, "regenerated over a model");
  TB_CHECK(gen == NULL, "generator handle left behind");
  TB_CHECK_MSG("already holds a committed model (manifest.json)");
}

TB_TEST(model_gen_refuses_without_disk_space) {
  const char *tmp = tb_test_tmpdir();
  tb_geometry g = tiny_geometry(4);
  g.layers = TB_MAX_LAYERS;
  g.experts = 1 << 30;   /* 27,648 B records: 29.7 TB per layer, 7.6 PB in all */
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/huge", tmp);
  tb_gen *gen;
  TB_CHECK(tb_gen_create(&gen, dir, &g, 1, 1, NULL) == TB_ERR_IO, "a 7.6 PB generation started");
  TB_CHECK_MSG("not enough disk space: need ");
  TB_CHECK_MSG(" bytes (7599824.");   /* need: 256 · 2^30 · 27648 B, also in GB */
  TB_CHECK_MSG("GB), free ");
  char layer0[4200];
  path_in(layer0, sizeof layer0, dir, "layer_00.bin");
  TB_CHECK(access(layer0, F_OK) != 0, "%s created despite the refusal", layer0);
}

TB_TEST(model_gen_checksums_verified) {
  const char *tmp = tb_test_tmpdir();
  tb_geometry g = tiny_geometry(4);
  MODEL_OK(generate_model(tmp, &g, 11, 2, 1));
  MODEL_OK(tb_model_check(tmp));
  /* the recorded checksum is FNV-1a 64 of the whole file */
  char path[4200], manifest[4200], hex[17], quoted[24];
  size_t len = 0, mlen = 0;
  path_in(path, sizeof path, tmp, "layer_01.bin");
  path_in(manifest, sizeof manifest, tmp, "manifest.json");
  uint8_t *bytes = slurp_file(path, &len);
  char *text = (char *)slurp_file(manifest, &mlen);
  snprintf(hex, sizeof hex, "%016llx", (unsigned long long)tb_fnv1a(TB_FNV_INIT, bytes, len));
  snprintf(quoted, sizeof quoted, "\"%s\"", hex);
  TB_CHECK(text && strstr(text, quoted), "manifest lacks layer_01.bin's checksum %s", hex);
  free(text);
  /* one flipped byte in the middle of an expert is caught, naming the file */
  FILE *f = fopen(path, "r+b");
  fseek(f, (long)(len / 2), SEEK_SET);
  fputc(bytes[len / 2] ^ 0x01, f);
  fclose(f);
  free(bytes);
  TB_CHECK(tb_model_check(tmp) == TB_ERR_MODEL, "a corrupted layer file passed the check");
  TB_CHECK_MSG("layer_01.bin: checksum (FNV-1a 64) expected ");
  TB_CHECK_MSG(hex);  /* names the expected value */
}

TB_TEST(model_gen_without_checksums_checks_sizes_only) {
  const char *tmp = tb_test_tmpdir();
  tb_geometry g = tiny_geometry(2);
  MODEL_OK(generate_model(tmp, &g, 11, 2, 0));
  char manifest[4200];
  size_t mlen;
  path_in(manifest, sizeof manifest, tmp, "manifest.json");
  char *text = (char *)slurp_file(manifest, &mlen);
  TB_CHECK(text && !strstr(text, "fnv1a64"), "checksums written without being asked for");
  free(text);
  MODEL_OK(tb_model_check(tmp));
}
