/* test_routing_trace.c — the binary trace format: files built byte by byte from the documented
 * layout load as expected; save/load round-trips exactly; the first layers and tokens of a
 * larger trace can be selected; every malformed or mismatched trace is refused with a message
 * naming the file and what is wrong (and the token/layer of a bad row). */
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/routing/routing.h"
#include "../src/cache/cache.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The reference trace: 2 tokens × 2 layers × k=2 over 4 experts, weights present.
 * ids[token][layer][slot] */
static const int32_t REF_IDS[8] = { 0, 1,  2, 3,    1, 3,  0, 2 };
static const float REF_W[8] = { 0.75f, 0.25f, 0.5f, 0.5f, 0.625f, 0.375f, 0.875f, 0.125f };
#define REF_BYTES (64 + 8 * 4 * 2)

static void le32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }

/* Builds the reference trace in buf (REF_BYTES) straight from the documented layout. */
static void build_ref(uint8_t *buf) {
  memset(buf, 0, REF_BYTES);
  memcpy(buf, "TBTRACE", 8);
  const uint32_t h[6] = { 1, 2, 4, 2, 2, 1 };   /* version layers experts k tokens flags */
  for (int i = 0; i < 6; i++) le32(buf + 8 + 4 * i, h[i]);
  for (int i = 0; i < 8; i++) le32(buf + 64 + 4 * i, (uint32_t)REF_IDS[i]);
  for (int i = 0; i < 8; i++) { uint32_t u; memcpy(&u, &REF_W[i], 4); le32(buf + 96 + 4 * i, u); }
}

static int write_file(const char *path, const uint8_t *p, size_t n) {
  FILE *f = fopen(path, "wb");
  int ok = f && fwrite(p, 1, n, f) == n;
  if (f) ok &= fclose(f) == 0;
  TB_CHECK(ok, "writing %s", path);
  return ok;
}

TB_TEST(routing_trace_hand_built_file_loads_as_documented) {
  const char *path = tio_path(tb_test_tmpdir(), "ref.tbtrace", 0);
  uint8_t buf[REF_BYTES];
  build_ref(buf);
  if (!write_file(path, buf, sizeof buf)) return;
  tb_routing r;
  TIO_OK(tb_routing_load(&r, path, 0, 2, 4, 2));
  if (!r.ids) return;
  TB_CHECK(r.tokens == 2 && r.layers == 2 && r.experts == 4 && r.k == 2, "dimensions");
  TB_CHECK(memcmp(r.ids, REF_IDS, sizeof REF_IDS) == 0, "ids differ from the file");
  TB_CHECK(memcmp(r.weights, REF_W, sizeof REF_W) == 0, "weights not kept bit-exact");
  /* layer 0: expert 1 at token 0 is requested again at token 1; layer 1: expert 2 likewise */
  TB_CHECK(r.next_use[1] == 1 && r.next_use[2] == 1 && r.next_use[0] == TB_NEXT_USE_NEVER,
           "next_use %lld %lld %lld", (long long)r.next_use[0], (long long)r.next_use[1],
           (long long)r.next_use[2]);
  tb_routing_free(&r);
}

TB_TEST(routing_trace_without_weights_or_unnormalised_weights_sums_to_one) {
  const char *path = tio_path(tb_test_tmpdir(), "ref.tbtrace", 0);
  uint8_t buf[REF_BYTES];
  build_ref(buf);
  le32(buf + 28, 0);                              /* flags: no weights, so no weight array */
  if (!write_file(path, buf, 64 + 32)) return;
  tb_routing r;
  TIO_OK(tb_routing_load(&r, path, 0, 2, 4, 2));
  for (int i = 0; r.weights && i < 8; i++) TB_CHECK(r.weights[i] == 0.5f, "weight %d = %g", i, r.weights[i]);
  tb_routing_free(&r);

  build_ref(buf);
  const float raw[2] = { 0.6f, 0.2f };            /* top-2 probabilities of a larger softmax */
  for (int i = 0; i < 2; i++) { uint32_t u; memcpy(&u, &raw[i], 4); le32(buf + 96 + 4 * i, u); }
  if (!write_file(path, buf, sizeof buf)) return;
  TIO_OK(tb_routing_load(&r, path, 0, 2, 4, 2));
  if (r.weights)
    TB_CHECK(fabsf(r.weights[0] - 0.75f) < 1e-6f && fabsf(r.weights[1] - 0.25f) < 1e-6f,
             "row not scaled to sum 1: %g %g", r.weights[0], r.weights[1]);
  tb_routing_free(&r);
}

TB_TEST(routing_trace_save_load_round_trip_is_exact) {
  const char *dir = tb_test_tmpdir();
  const char *path = tio_path(dir, "synth.tbtrace", 0);
  tb_routing a, b;
  tb_synth_params p = { .zipf = 1.0, .reuse = 0.3, .seed = 77 };
  TIO_OK(tb_routing_synthetic(&a, 3000, 3, 32, 4, &p));   /* > one 64 KiB block of entries */
  if (!a.ids) return;
  TIO_OK(tb_routing_save(&a, path));
  TB_CHECK(access(tio_path(dir, "synth.tbtrace.tmp", 1), F_OK) != 0,
           "temporary file left behind");
  TIO_OK(tb_routing_load(&b, path, 0, 3, 32, 4));
  if (b.ids) {
    size_t n = (size_t)3000 * 3 * 4;
    TB_CHECK(b.tokens == 3000 && memcmp(a.ids, b.ids, n * 4) == 0, "ids differ after the round trip");
    TB_CHECK(memcmp(a.weights, b.weights, n * 4) == 0, "weights differ after the round trip");
    TB_CHECK(memcmp(a.next_use, b.next_use, n * 8) == 0, "next_use differs after the round trip");
  }
  tb_routing_free(&a);
  tb_routing_free(&b);
}

TB_TEST(routing_trace_first_layers_and_tokens_of_a_larger_trace) {
  const char *path = tio_path(tb_test_tmpdir(), "big.tbtrace", 0);
  tb_routing big, sel, want;
  tb_synth_params p = { .zipf = 0.8, .reuse = 0.5, .seed = 4 };
  TIO_OK(tb_routing_synthetic(&big, 100, 5, 16, 2, &p));
  if (!big.ids) return;
  TIO_OK(tb_routing_save(&big, path));
  TIO_OK(tb_routing_load(&sel, path, 40, 3, 16, 2));
  TIO_OK(tb_routing_synthetic(&want, 40, 3, 16, 2, &p));   /* synthetic routing is prefix-stable */
  if (sel.ids && want.ids) {
    size_t n = (size_t)40 * 3 * 2;
    TB_CHECK(sel.tokens == 40 && sel.layers == 3, "selected %d tokens %d layers", sel.tokens, sel.layers);
    TB_CHECK(memcmp(sel.ids, want.ids, n * 4) == 0, "selected ids are not the first layers and tokens");
    TB_CHECK(memcmp(sel.weights, want.weights, n * 4) == 0, "selected weights differ");
    TB_CHECK(memcmp(sel.next_use, want.next_use, n * 8) == 0, "next_use not recomputed for the selection");
  }
  tb_routing_free(&big); tb_routing_free(&sel); tb_routing_free(&want);
}

/* One malformed or mismatched trace: the reference with one change, loaded with the given
 * geometry (0 = the reference's), and the pieces its message must contain. */
typedef struct {
  const char *name;
  int u32_at; uint32_t u32;     /* overwrite a little-endian u32 at this byte offset (-1: none) */
  int byte_at; uint8_t byte;    /* overwrite one byte (-1: none) */
  int size;                     /* file size to write (0: REF_BYTES) */
  int tokens, layers, experts, k;
  const char *needles[3];
} bad_case;

static const bad_case BAD[] = {
  { "bad magic", -1, 0, 5, 'X', 0, 0, 0, 0, 0, { "bad magic \"TBTRAXE\\x00\"", "not a tierbench" } },
  { "version", 8, 2, -1, 0, 0, 0, 0, 0, 0, { "version 2, this engine reads version 1" } },
  { "short header", -1, 0, -1, 0, 10, 0, 0, 0, 0, { "10 bytes, shorter than its 64-byte header" } },
  { "truncated", -1, 0, -1, 0, REF_BYTES - 4, 0, 0, 0, 0, { "124 bytes", "implies 128", "truncated" } },
  { "trailing", -1, 0, -1, 0, REF_BYTES + 4, 0, 0, 0, 0, { "132 bytes", "trailing bytes" } },
  { "flags", 28, 3, -1, 0, 0, 0, 0, 0, 0, { "flags 0x3 has unknown bits" } },
  { "reserved", -1, 0, 40, 7, 0, 0, 0, 0, 0, { "reserved header byte 40 is 0x07" } },
  { "k zero", 20, 0, -1, 0, 0, 0, 0, 0, 0, { "header has tokens=2 layers=2 experts=4 k=0" } },
  { "id range", 64 + 4 * 5, 4, -1, 0, 0, 0, 0, 0, 0, { "token 1 layer 0 slot 1: expert id 4 out of range 0..3" } },
  { "id negative", 64 + 4 * 6, 0xffffffffu, -1, 0, 0, 0, 0, 0, 0, { "token 1 layer 1 slot 0: expert id -1" } },
  { "duplicate", 64 + 4 * 7, 0, -1, 0, 0, 0, 0, 0, 0, { "token 1 layer 1: expert 0 appears twice (slots 0 and 1)" } },
  { "dup unused layer", 64 + 4 * 3, 2, -1, 0, 0, 0, 1, 0, 0, { "token 0 layer 1: expert 2 appears twice" } },
  { "weight nan", 96 + 4 * 2, 0x7fc00000u, -1, 0, 0, 0, 0, 0, 0, { "token 0 layer 1 slot 0: gate weight nan" } },
  { "weight negative", 96 + 4 * 4, 0xbf000000u, -1, 0, 0, 0, 0, 0, 0, { "token 1 layer 0 slot 0: gate weight -0.5", ">= 0" } },
  { "k mismatch", -1, 0, -1, 0, 0, 0, 0, 0, 3, { "has k=2 experts per token, routing.k is 3" } },
  { "fewer layers", -1, 0, -1, 0, 0, 0, 3, 0, 0, { "has 2 layers, the model has 3", "never fewer" } },
  { "other experts", -1, 0, -1, 0, 0, 0, 0, 8, 0, { "routes over 4 experts per layer, the model has 8" } },
  { "more tokens", -1, 0, -1, 0, 0, 5, 0, 0, 0, { "has 2 tokens, 5 were asked for" } },
};

TB_TEST(routing_trace_malformed_files_are_refused_with_their_reason) {
  const char *path = tio_path(tb_test_tmpdir(), "bad.tbtrace", 0);
  uint8_t buf[REF_BYTES + 4];
  for (int c = 0; c < TB_ARRAY_LEN(BAD); c++) {
    const bad_case *b = &BAD[c];
    memset(buf, 0, sizeof buf);
    build_ref(buf);
    if (b->u32_at >= 0) le32(buf + b->u32_at, b->u32);
    if (b->byte_at >= 0) buf[b->byte_at] = b->byte;
    if (!write_file(path, buf, b->size ? (size_t)b->size : REF_BYTES)) continue;
    tb_routing r;
    int rc = tb_routing_load(&r, path, b->tokens, b->layers ? b->layers : 2,
                             b->experts ? b->experts : 4, b->k ? b->k : 2);
    TB_CHECK(rc == TB_ERR_TRACE, "%s: load -> %d, expected TB_ERR_TRACE", b->name, rc);
    TB_CHECK(r.ids == NULL && r.weights == NULL && r.next_use == NULL, "%s: arrays left behind", b->name);
    TB_CHECK(strstr(tb_error_message(), path) != NULL, "%s: message does not name the file: %s",
             b->name, tb_error_message());
    for (int i = 0; i < 3 && b->needles[i]; i++)
      TB_CHECK(strstr(tb_error_message(), b->needles[i]) != NULL, "%s: message lacks \"%s\": %s",
               b->name, b->needles[i], tb_error_message());
  }
}

TB_TEST(routing_trace_missing_file_and_bad_save_name_errno) {
  const char *dir = tb_test_tmpdir();
  tb_routing r;
  TB_CHECK(tb_routing_load(&r, tio_path(dir, "absent.tbtrace", 0), 0, 2, 4, 2) == TB_ERR_IO, "missing file loaded");
  TIO_ERROR_HAS("absent.tbtrace: cannot open", "No such file or directory", "errno 2");
  TIO_OK(tb_routing_alloc(&r, 1, 1, 4, 2));
  if (!r.ids) return;
  r.ids[0] = 0; r.ids[1] = 1; r.weights[0] = r.weights[1] = 0.5f;
  TB_CHECK(tb_routing_save(&r, tio_path(dir, "no/such/dir/x.tbtrace", 0)) == TB_ERR_IO, "saved into a missing directory");
  TIO_ERROR_HAS("cannot create", "x.tbtrace.tmp", "errno 2");
  r.ids[1] = 9;
  TB_CHECK(tb_routing_save(&r, tio_path(dir, "x.tbtrace", 0)) == TB_ERR_ARG, "saved an out-of-range id");
  TIO_ERROR_HAS("token 0 layer 0 has expert id 9, outside 0..3");
  tb_routing_free(&r);
}
