/* backend.h — compute backends (CPU; Metal on macOS; CUDA later). A backend owns the memory
 * expert bytes are read into, so an I/O engine can read straight into memory the backend
 * computes on. All buffers are at least TB_ALIGN (4 KiB) aligned, zeroed and touched at
 * allocation. A device backend also computes the expert FFNs and the combine itself. */
#ifndef TB_BACKEND_H
#define TB_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include "../model/geometry.h"

typedef struct tb_backend tb_backend;

/* What a device backend learns at open, before any allocation. */
typedef struct {
  const tb_geometry *g;
  int k;                       /* routed experts per token */
  int64_t max_record;          /* bytes: the longest record one FFN reads (a cache slot) */
  const uint8_t *resident;     /* read-only memory the device reads too (resident.bin: shared */
  int64_t resident_bytes;      /* experts), mapped by the engine; NULL/0 when none */
} tb_backend_setup;

/* One expert FFN for a device backend: y = down·(silu(gate·x) ⊙ up·x). Every pointer is
 * backend memory except record, which may also lie in the resident mapping. */
typedef struct {
  const uint8_t *record;       /* the record's bytes */
  const tb_record_layout *rec; /* tb_record_layout_of(g, ffn, bits) */
  int ffn, bits;
  const float *x;              /* [hidden] input */
  float *gate, *up, *act;      /* [ffn] each: scratch, left holding gate·x, up·x and SwiGLU */
  float *y;                    /* [hidden] output */
} tb_backend_ffn;

typedef struct {
  const char *name;   /* "cpu", "metal" */
  const char *help;
  /* 1, or 0 with the reason in why[n] (the platform, the device, a missing library). */
  int (*available)(char *why, size_t n);
  int (*create)(tb_backend **out, int threads);
  void (*destroy)(tb_backend *b);
  void *(*alloc)(tb_backend *b, size_t bytes);   /* aligned, touched; NULL on failure */
  void (*free)(tb_backend *b, void *p);

  /* Device compute, NULL for the CPU backend (the engine then runs the CPU kernels). Called on
   * the token loop's thread; per layer: ffn for the shared expert and each routed expert as
   * its bytes arrive (submit after each batch), finish, then combine. Each returns TB_OK or an
   * error with a message. */
  int (*setup)(tb_backend *b, const tb_backend_setup *s);   /* at open, before any alloc */
  int (*ffn)(tb_backend *b, const tb_backend_ffn *job);     /* queues the work */
  int (*submit)(tb_backend *b);                             /* starts what is queued */
  /* Waits for everything queued; *device_s = seconds the device spent on it (timestamps). */
  int (*finish)(tb_backend *b, double *device_s);
  /* x[i] += shared[i] + Σ_k w[k]·y[k][i] (routing order) on the device, and waits for it.
   * x, shared, y ([k][n]) and w ([k]) are backend memory. */
  int (*combine)(tb_backend *b, float *x, const float *shared, const float *y, const float *w,
                 int k, int n, double *device_s);
} tb_backend_ops;

/* Every backend's state begins with this header; a backend that needs more (a Metal device,
 * a CUDA context) embeds it as its first member. */
struct tb_backend {
  const tb_backend_ops *ops;
  int threads;        /* compute threads the backend was created for */
};

extern const tb_backend_ops *const tb_backends[];
extern const int tb_backend_count;
const tb_backend_ops *tb_backend_find(const char *name);

/* Find `name`, check it is available here, create it. Unknown or unavailable names →
 * TB_ERR_ARG / TB_ERR_UNAVAILABLE with a message listing the compiled backends. */
int tb_backend_open(const char *name, int threads, tb_backend **out);
static inline void tb_backend_close(tb_backend *b) { if (b) b->ops->destroy(b); }
/* NULL on failure, with a message (bytes asked for) recorded by tb_fail(). */
static inline void *tb_backend_alloc(tb_backend *b, size_t bytes) { return b->ops->alloc(b, bytes); }
static inline void tb_backend_free(tb_backend *b, void *p) { if (p) b->ops->free(b, p); }

#endif
