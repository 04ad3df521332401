/* io.h — I/O engines behind one ops table with a submit/reap split (after fio). A read moves
 * one expert record (or part of one) into a caller buffer — or, where the caller allows it and
 * a zero-copy engine finds the bytes resident, points at them in place (tb_read.data); engines
 * may split it into io.chunk-sized pieces served by several threads. Demand reads go ahead of
 * queued prefetch reads. Engines never allocate per read; tb_read structs are owned by the
 * caller.
 *
 * Threading: one tb_io is driven (submit, reap, destroy) from one thread; engines may run
 * their own worker threads behind it.
 * Direct I/O: the caller passes an O_DIRECT fd (F_NOCACHE on macOS) and sets direct = 1; then
 * offset, size and dst must be multiples of 4096, and engines round io.chunk up to a multiple
 * of 4096 so every piece stays aligned (chunk 5000 → pieces of 8192). */
#ifndef TB_IO_H
#define TB_IO_H

#include <stdint.h>

#define TB_IO_MAX_THREADS 64
#define TB_DIRECT_ALIGN 4096     /* bytes: O_DIRECT offset/size/buffer alignment */

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
  int in_place_ok;         /* 1: the caller accepts the bytes where they already are (data may
                              then point into a read-only file mapping instead of dst) */
  /* out, valid once reaped */
  int status;              /* TB_OK or TB_ERR_IO */
  int err_no;              /* errno of the failure; 0 when the file ended before offset+size */
  int64_t err_offset;      /* file offset (bytes) where the first failure in the file stopped
                              (pieces after it are skipped; a short file: where it ends); -1 if none */
  double t_submit, t_start, t_done;  /* tb_now() seconds: submitted, first piece taken, last done */
  int promoted;            /* 1 when promote() moved this prefetch read ahead while it was queued */
  const void *data;        /* the record's bytes: dst, or (in_place_ok, zero-copy engines) a
                              mapping of the file, valid until the engine is destroyed */
  /* engine-private */
  int queue;               /* pending queue it waits in: TB_READ_DEMAND or TB_READ_PREFETCH */
  int chunks_total;
  int chunks_done;         /* under the engine's lock */
  int chunks_next;         /* next piece to hand to a worker (under the engine's lock) */
  int64_t chunk_bytes;     /* bytes per piece (the last may be shorter) */
  int64_t bytes_done;      /* under the engine's lock */
  const uint8_t *src;      /* mmap engines: the file's mapped bytes at offset, */
  int64_t src_bytes;       /* and how many of them the file has (bytes) */
  struct tb_read *next;    /* queue link: pending queue, then finished queue */
} tb_read;

typedef struct {
  int threads;             /* 1..64 worker threads (pread pool) */
  int64_t chunk;           /* bytes per piece; 0 = whole read as one piece */
  int queue_depth;         /* engines with a ring (io_uring): pieces in flight in the kernel */
  int fadvise;             /* TB_FADVISE_* of the files: mmap engines madvise their mappings */
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
  /* Optional (NULL = not supported). A demand request now needs this in-flight prefetch read:
   * move its pieces not yet taken ahead of every prefetch read, behind the demand reads
   * already queued, so demand never waits out the prefetch queue. r->kind is kept (it was
   * issued as a prefetch) and r->promoted set. Returns 1 if moved, 0 if all its pieces were
   * already taken (it is under way or finished). */
  int (*promote)(tb_io *io, tb_read *r);
} tb_io_ops;

/* Every engine's state begins with this header (engines embed it as their first member). */
struct tb_io {
  const tb_io_ops *ops;
  tb_io_config cfg;        /* as created */
};

extern const tb_io_ops *const tb_io_engines[];
extern const int tb_io_engine_count;
const tb_io_ops *tb_io_find(const char *name);

/* Find `name`, check that it is available here (else TB_ERR_UNAVAILABLE with the engine's
 * reason), validate cfg and create it. Unknown names → TB_ERR_ARG listing the engines. */
int tb_io_open(const char *name, const tb_io_config *cfg, tb_io **out);
static inline void tb_io_close(tb_io *io) { if (io) io->ops->destroy(io); }
static inline int tb_io_submit(tb_io *io, tb_read *r) { return io->ops->submit(io, r); }
static inline int tb_io_reap(tb_io *io, tb_read **done, int max, int min_done) {
  return io->ops->reap(io, done, max, min_done);
}
static inline int tb_io_promote(tb_io *io, tb_read *r) {
  return io->ops->promote ? io->ops->promote(io, r) : 0;
}

/* Shared by engines: checks a read before it is queued (kind, size, buffer, direct alignment)
 * and resets its out and private fields; TB_ERR_ARG names the file and the offending value. */
int tb_read_prepare(tb_read *r, int64_t chunk);
/* Records a failed read's message with tb_fail() — "read <path> offset <o> size <s> (layer l
 * expert e): <strerror> (errno n) at offset <x>" — and returns TB_ERR_IO. Reap does this for
 * the first failed read it hands back, so tb_last_error() names it on the caller's thread. */
int tb_read_error(const tb_read *r);

/* Read exactly size bytes at offset, retrying short reads and EINTR. Returns TB_OK or
 * TB_ERR_IO with the message "read <path> offset <o>: <strerror>". */
int tb_pread_full(int fd, void *dst, int64_t size, int64_t offset, const char *path);
/* The same loop without touching the error message (safe on worker threads): returns 0,
 * an errno, or TB_PREAD_EOF when the file ended first. *got = bytes read. */
#define TB_PREAD_EOF (-1)
int tb_pread_exact(int fd, void *dst, int64_t size, int64_t offset, int64_t *got);

/* Apply io.fadvise (TB_FADVISE_*) to a whole file: posix_fadvise on Linux, F_RDAHEAD on macOS. */
int tb_io_fadvise(int fd, int mode, const char *path);

#endif
