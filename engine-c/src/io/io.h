/* io.h — I/O engines behind one ops table with a submit/reap split (after fio). A read moves
 * one expert record (or part of one) into a caller buffer; engines may split it into
 * io.chunk-sized pieces served by several threads. Demand reads go ahead of queued prefetch
 * reads. Engines never allocate per read; tb_read structs are owned by the caller. */
#ifndef TB_IO_H
#define TB_IO_H

#include <stdint.h>

enum { TB_READ_DEMAND = 0, TB_READ_PREFETCH = 1 };
enum { TB_DIRECT_OFF = 0, TB_DIRECT_ON = 1, TB_DIRECT_FIRST_TOUCH = 2 };
enum { TB_FADVISE_NORMAL = 0, TB_FADVISE_RANDOM = 1, TB_FADVISE_SEQUENTIAL = 2 };

typedef struct tb_read {
  /* in */
  int fd;                  /* file to read (buffered or O_DIRECT fd, chosen by the caller) */
  int direct;              /* 1 when fd is O_DIRECT */
  int64_t offset;          /* bytes */
  int64_t size;            /* bytes */
  void *dst;               /* TB_ALIGN-aligned buffer of ≥ size bytes */
  int kind;                /* TB_READ_DEMAND / TB_READ_PREFETCH */
  int layer, expert;       /* for error messages and attribution */
  const char *path;        /* file name for error messages */
  void *user;              /* caller's cookie */
  /* out, valid once reaped */
  int status;              /* TB_OK or TB_ERR_IO */
  int err_no;              /* errno of the failure */
  double t_submit, t_start, t_done;  /* tb_now() seconds */
  /* engine-private */
  int chunks_total;
  int chunks_done;         /* atomic */
  int64_t bytes_done;      /* atomic */
  struct tb_read *next;    /* queue link */
} tb_read;

typedef struct {
  int threads;             /* 1..64 worker threads (pread pool) */
  int64_t chunk;           /* bytes per piece; 0 = whole read as one piece */
  int queue_depth;         /* engines with a ring (io_uring) */
} tb_io_config;

typedef struct tb_io tb_io;

typedef struct {
  const char *name;        /* "pread", "null", ... */
  const char *help;
  int moves_bytes;         /* 0 for null: exempt from the output-hash rule */
  int (*available)(char *why, int why_len);
  int (*create)(tb_io **out, const tb_io_config *cfg);
  void (*destroy)(tb_io *io);
  int (*submit)(tb_io *io, tb_read *r);                    /* never blocks on the read */
  /* Collect finished reads into done[0..max). Blocks until at least min_done are finished
   * (0 = poll). Returns the count, or an error. */
  int (*reap)(tb_io *io, tb_read **done, int max, int min_done);
} tb_io_ops;

extern const tb_io_ops *const tb_io_engines[];
extern const int tb_io_engine_count;
const tb_io_ops *tb_io_find(const char *name);

/* Read exactly size bytes at offset, retrying short reads and EINTR. Returns TB_OK or
 * TB_ERR_IO with the message "read <path> offset <o>: <strerror>". */
int tb_pread_full(int fd, void *dst, int64_t size, int64_t offset, const char *path);

#endif
