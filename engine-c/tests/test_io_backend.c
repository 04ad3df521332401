/* test_io_backend.c — the compute-backend table: the cpu backend's buffers are aligned for
 * O_DIRECT, zeroed and writable; lookups of unknown names fail with the list of backends. */
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/backend/backend.h"
#include <stdint.h>
#include <string.h>

TB_TEST(backend_registry_names_are_unique_and_cpu_is_present) {
  TB_CHECK(tb_backend_count >= 1, "no backends compiled");
  for (int i = 0; i < tb_backend_count; i++) {
    TB_CHECK(tb_backends[i]->help && tb_backends[i]->help[0], "%s has no help", tb_backends[i]->name);
    TB_CHECK(tb_backend_find(tb_backends[i]->name) == tb_backends[i], "find(%s)", tb_backends[i]->name);
    for (int j = i + 1; j < tb_backend_count; j++)
      TB_CHECK(strcmp(tb_backends[i]->name, tb_backends[j]->name) != 0, "duplicate %s", tb_backends[i]->name);
  }
  char why[256] = "";
  TB_CHECK(tb_backend_find("cpu") && tb_backend_find("cpu")->available(why, sizeof why), "cpu backend missing");
  TB_CHECK(tb_backend_find("vulkan") == NULL, "unknown name found");
}

TB_TEST(backend_cpu_buffers_are_aligned_zeroed_and_writable) {
  tb_backend *b = NULL;
  TIO_OK(tb_backend_open("cpu", 2, &b));
  if (!b) return;
  TB_CHECK(b->threads == 2 && b->ops == tb_backend_find("cpu"), "backend header not filled");
  static const size_t sizes[] = { 1, 4095, 4096, 7077888, 3932160 + 17 };
  for (int i = 0; i < TB_ARRAY_LEN(sizes); i++) {
    uint8_t *p = tb_backend_alloc(b, sizes[i]);
    TB_CHECK(p != NULL, "alloc %zu: %s", sizes[i], tb_error_message());
    if (!p) continue;
    TB_CHECK((uintptr_t)p % TB_ALIGN == 0, "alloc %zu: %p not %d-aligned", sizes[i], (void *)p, TB_ALIGN);
    size_t nonzero = 0;
    for (size_t j = 0; j < sizes[i]; j++) nonzero += p[j] != 0;
    TB_CHECK(nonzero == 0, "alloc %zu: %zu bytes not zeroed", sizes[i], nonzero);
    memset(p, 0x5a, sizes[i]);
    TB_CHECK(p[sizes[i] - 1] == 0x5a, "last byte not writable");
    tb_backend_free(b, p);
  }
  tb_backend_close(b);
}

TB_TEST(backend_cpu_refuses_impossible_sizes_with_a_message) {
  tb_backend *b = NULL;
  TIO_OK(tb_backend_open("cpu", 1, &b));
  if (!b) return;
  TB_CHECK(tb_backend_alloc(b, SIZE_MAX - 100) == NULL, "allocated SIZE_MAX bytes");
  TIO_ERROR_HAS("cpu backend", "cannot allocate");
  tb_backend_close(b);
}

TB_TEST(backend_open_names_unknown_backend_and_bad_threads) {
  tb_backend *b = NULL;
  TB_CHECK(tb_backend_open("vulkan", 1, &b) == TB_ERR_ARG && b == NULL, "unknown backend opened");
  TIO_ERROR_HAS("compute.backend 'vulkan'", "cpu");
  TB_CHECK(tb_backend_open("cpu", 0, &b) == TB_ERR_ARG && b == NULL, "threads=0 accepted");
  TIO_ERROR_HAS("threads=0");
}
