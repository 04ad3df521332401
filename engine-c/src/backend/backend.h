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

extern const tb_backend_ops *const tb_backends[];
extern const int tb_backend_count;
const tb_backend_ops *tb_backend_find(const char *name);

#endif
