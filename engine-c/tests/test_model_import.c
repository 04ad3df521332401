/* test_model_import.c — importing a Flash-MoE packed_experts directory: correctly sized
 * (sparse) layer files become a model whose layer files are the originals, with synthetic
 * resident weights; wrong sizes, gaps, no files and unknown presets are refused by name. */
#include "test_model_util.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* src/layer_00.bin … layer_{n-1}.bin, sparse, of `size` bytes each. */
static void make_packed_experts(const char *src, int n, int64_t size) {
  mkdir(src, 0755);
  for (int l = 0; l < n; l++) {
    char name[32], path[4200];
    tb_layer_file_name(l, name, sizeof name);
    path_in(path, sizeof path, src, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    TB_CHECK(fd >= 0 && ftruncate(fd, size) == 0, "create %s", path);
    close(fd);
  }
}

static int64_t tiny_layer_bytes(int bits) {
  tb_geometry g = tiny_geometry(bits);
  return tb_model_layer_file_size(&g);
}

TB_TEST(model_import_accepts_correctly_sized_files) {
  const char *tmp = tb_test_tmpdir();
  static const int all_bits[] = { 2, 4, 8 };
  for (int i = 0; i < 3; i++) {
    int bits = all_bits[i];
    char src[4200], dst[4200], layer1[4200];
    snprintf(src, sizeof src, "%s/packed_%d", tmp, bits);
    snprintf(dst, sizeof dst, "%s/model_%d", tmp, bits);
    make_packed_experts(src, 2, tiny_layer_bytes(bits));
    /* one recognisable byte in layer 1, expert 3, to read back through the model */
    path_in(layer1, sizeof layer1, src, "layer_01.bin");
    int fd = open(layer1, O_WRONLY);
    tb_record_layout rec;
    tb_geometry g = tiny_geometry(bits);
    tb_record_layout_of(&g, g.ffn, g.bits, &rec);
    uint8_t mark = 0xa5;
    TB_CHECK(pwrite(fd, &mark, 1, 3 * rec.size + 10) == 1, "mark");
    close(fd);

    MODEL_OK(tb_import(src, "tiny", bits, 77, dst));
    tb_model m;
    MODEL_OK(tb_model_open(&m, dst));
    TB_CHECK(m.imported && m.resident_synthetic && m.g.bits == bits && m.g.layers == 2 &&
             m.seed == 77 && strcmp(m.preset, "tiny") == 0, "bits %d: manifest fields", bits);
    uint8_t got = 0;
    TB_CHECK(pread(m.layer_fd[1], &got, 1, 3 * rec.size + 10) == 1 && got == mark,
             "bits %d: imported layer file does not read the source bytes", bits);
    uint8_t *layer = malloc((size_t)m.resident_layer_stride);
    tb_fill_resident_layer(&m.g, 77, 1, layer);
    TB_CHECK(memcmp(m.resident + m.resident_layer_stride, layer, (size_t)m.resident_layer_stride) == 0,
             "bits %d: resident weights are not the seeded synthetic ones", bits);
    free(layer);
    tb_model_close(&m);

    char link[4200], target[4200] = "";
    path_in(link, sizeof link, dst, "layer_01.bin");
    ssize_t n = readlink(link, target, sizeof target - 1);
    TB_CHECK(n > 0 && strstr(target, "/packed_") && strstr(target, "/layer_01.bin"),
             "%s is not a link to the source (%s)", link, target);
    char manifest[4200];
    size_t len = 0;
    path_in(manifest, sizeof manifest, dst, "manifest.json");
    char *text = (char *)slurp_file(manifest, &len);
    TB_CHECK(text && strstr(text, "\"source\": \"imported\"") && strstr(text, "\"resident_synthetic\": true"),
             "manifest does not say imported / synthetic resident:\n%s", text ? text : "");
    free(text);
    MODEL_OK(tb_model_check(dst));
  }
}

TB_TEST(model_import_takes_fewer_layers_than_the_preset) {
  const char *tmp = tb_test_tmpdir();
  char src[4200], dst[4200];
  snprintf(src, sizeof src, "%s/packed", tmp);
  snprintf(dst, sizeof dst, "%s/model", tmp);
  make_packed_experts(src, 1, tiny_layer_bytes(4));
  MODEL_OK(tb_import(src, "tiny", 4, 1, dst));
  tb_model m;
  MODEL_OK(tb_model_open(&m, dst));
  TB_CHECK(m.g.layers == 1, "layers %d, expected the 1 file present", m.g.layers);
  tb_model_close(&m);
}

TB_TEST(model_import_rejects_wrong_size) {
  const char *tmp = tb_test_tmpdir();
  char src[4200], dst[4200], path[4200], expect[4600];
  snprintf(src, sizeof src, "%s/packed", tmp);
  snprintf(dst, sizeof dst, "%s/model", tmp);
  make_packed_experts(src, 2, tiny_layer_bytes(4));
  path_in(path, sizeof path, src, "layer_01.bin");
  TB_CHECK(truncate(path, 1000) == 0, "truncate");
  TB_CHECK(tb_import(src, "tiny", 4, 1, dst) == TB_ERR_MODEL, "a 1000-byte layer file imported");
  snprintf(expect, sizeof expect, "layer_01.bin: expected 442368 bytes (16 experts × 27648 at "
           "4-bit, preset tiny), found 1000");
  TB_CHECK_MSG(expect);
  TB_CHECK(access(dst, F_OK) != 0, "destination created for a refused import");
  /* 4-bit files imported as 2-bit: the message says which width they fit */
  TB_CHECK(truncate(path, 442368) == 0, "truncate");
  TB_CHECK(tb_import(src, "tiny", 2, 1, dst) == TB_ERR_MODEL, "4-bit files imported at 2 bits");
  TB_CHECK_MSG("layer_00.bin: expected 245760 bytes");
  TB_CHECK_MSG("found 442368; that is the size at 4-bit");
}

TB_TEST(model_import_rejects_missing_files) {
  const char *tmp = tb_test_tmpdir();
  char src[4200], dst[4200], path[4200];
  snprintf(src, sizeof src, "%s/packed", tmp);
  snprintf(dst, sizeof dst, "%s/model", tmp);
  make_packed_experts(src, 2, tiny_layer_bytes(4));
  /* a gap: layer_00 gone, layer_01 present */
  path_in(path, sizeof path, src, "layer_00.bin");
  TB_CHECK(unlink(path) == 0, "unlink");
  TB_CHECK(tb_import(src, "tiny", 4, 1, dst) == TB_ERR_MODEL, "imported without layer_00.bin");
  TB_CHECK_MSG("layer_00.bin: missing");
  /* a gap in the middle */
  make_packed_experts(src, 1, tiny_layer_bytes(4));
  path_in(path, sizeof path, src, "layer_02.bin");
  int fd = open(path, O_WRONLY | O_CREAT, 0644);
  close(fd);
  path_in(path, sizeof path, src, "layer_01.bin");
  TB_CHECK(unlink(path) == 0, "unlink");
  TB_CHECK(tb_import(src, "tiny", 4, 1, dst) == TB_ERR_MODEL, "imported across a gap");
  TB_CHECK_MSG("layer_01.bin: missing, but ");
  TB_CHECK_MSG("layer_02.bin exists: layer files must be consecutive from layer_00.bin");
  /* no files at all */
  char empty[4200];
  snprintf(empty, sizeof empty, "%s/empty", tmp);
  mkdir(empty, 0755);
  TB_CHECK(tb_import(empty, "tiny", 4, 1, dst) == TB_ERR_MODEL, "imported an empty directory");
  TB_CHECK_MSG("empty/layer_00.bin: missing; a Flash-MoE packed_experts directory holds");
}

TB_TEST(model_import_rejects_bad_arguments) {
  const char *tmp = tb_test_tmpdir();
  char src[4200];
  snprintf(src, sizeof src, "%s/packed", tmp);
  make_packed_experts(src, 2, tiny_layer_bytes(4));
  TB_CHECK(tb_import(src, "qwen9", 4, 1, tmp) == TB_ERR_ARG, "unknown preset accepted");
  TB_CHECK_MSG("unknown preset \"qwen9\" (valid: qwen3.5-397b-a17b, tiny)");
  TB_CHECK(tb_import(src, "tiny", 3, 1, tmp) == TB_ERR_ARG, "3-bit accepted");
  TB_CHECK_MSG("bits=3");
  TB_CHECK(tb_import(src, "tiny", 4, 1, src) == TB_ERR_ARG, "imported into its own source");
  TB_CHECK_MSG("is the source directory");
  char nowhere[4200];
  snprintf(nowhere, sizeof nowhere, "%s/nowhere", tmp);
  TB_CHECK(tb_import(nowhere, "tiny", 4, 1, tmp) == TB_ERR_ARG, "missing source accepted");
  TB_CHECK_MSG("nowhere: not a directory");
}
