/* backend.h — compute backends (CPU now; Metal and CUDA later). A backend owns the memory
 * expert bytes are read into, so an I/O engine can read straight into memory the backend
 * computes on. All buffers are TB_ALIGN (4 KiB) aligned, zeroed and touched at allocation. */
#ifndef TB_BACKEND_H
#define TB_BACKEND_H

#include <stddef.h>

typedef struct tb_backend tb_backend;

typedef struct {
  const char *name;   /* "cpu" */
  const char *help;
  int (*available)(void);
  int (*create)(tb_backend **out, int threads);
  void (*destroy)(tb_backend *b);
  void *(*alloc)(tb_backend *b, size_t bytes);   /* aligned, touched; NULL on failure */
  void (*free)(tb_backend *b, void *p);
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
