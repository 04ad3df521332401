/* test_io_null.c — the null engine finishes every read at once, in submission order, without
 * touching its buffer; and the engine table lists each engine once with its properties. */
#include "tb_test.h"
#include "test_io_util.h"
#include "../src/io/io.h"
#include <string.h>

TB_TEST(io_null_completes_without_touching_the_buffer) {
  tb_io *io = NULL;
  tb_io_config cfg = { .threads = 1, .chunk = 4096 };
  TIO_OK(tb_io_open("null", &cfg, &io));
  if (!io) return;
  TB_CHECK(io->ops->moves_bytes == 0, "null claims to move bytes");
  uint8_t buf[3][64];
  tb_read r[3];
  for (int i = 0; i < 3; i++) {
    memset(buf[i], 0x3c, sizeof buf[i]);
    /* fd -1: the null engine never calls read, so no descriptor is needed */
    r[i] = (tb_read){ .fd = -1, .offset = 4096 * i, .size = 64, .dst = buf[i],
                      .kind = i == 1 ? TB_READ_DEMAND : TB_READ_PREFETCH, .path = "none" };
    TIO_OK(tb_io_submit(io, &r[i]));
  }
  tb_read *done[4];
  int got = tb_io_reap(io, done, 4, 3);
  TB_CHECK(got == 3, "reaped %d of 3", got);
  for (int i = 0; i < got; i++) {
    TB_CHECK(done[i] == &r[i], "null reads not returned in submission order at %d", i);
    TB_CHECK(r[i].status == TB_OK && r[i].bytes_done == 0 && r[i].chunks_done == r[i].chunks_total,
             "read %d: status %d bytes_done %lld", i, r[i].status, (long long)r[i].bytes_done);
    TB_CHECK(r[i].t_submit > 0 && r[i].t_done == r[i].t_submit, "read %d: timestamps", i);
    for (int j = 0; j < 64; j++)
      if (buf[i][j] != 0x3c) { TB_CHECK(0, "read %d: buffer byte %d written", i, j); break; }
  }
  TB_CHECK(tb_io_reap(io, done, 4, 0) == 0, "reads returned twice");
  TB_CHECK(tb_io_reap(io, done, 4, 1) == TB_ERR_ARG, "reap waited with nothing in flight");
  tb_io_close(io);
}

TB_TEST(io_registry_lists_each_engine_once_with_help) {
  TB_CHECK(tb_io_find("pread") && tb_io_find("pread")->moves_bytes == 1, "pread missing");
  TB_CHECK(tb_io_find("null") != NULL, "null missing");
  TB_CHECK(tb_io_find("io_uring_sqpoll") == NULL, "unknown engine found");
  for (int i = 0; i < tb_io_engine_count; i++) {
    const tb_io_ops *e = tb_io_engines[i];
    char why[128] = "";
    TB_CHECK(e->help && e->help[0] && e->submit && e->reap && e->create && e->destroy,
             "%s: incomplete ops table", e->name);
    TB_CHECK(e->available(why, sizeof why) || why[0], "%s unavailable without a reason", e->name);
    for (int j = i + 1; j < tb_io_engine_count; j++)
      TB_CHECK(strcmp(e->name, tb_io_engines[j]->name) != 0, "duplicate engine %s", e->name);
  }
}
