/* backend_metal.m — the Metal compute backend (macOS, Apple-silicon GPUs): page-aligned memory
 * wrapped as MTLBuffers without copies, the expert FFNs and the combine encoded from
 * metal_plan.c's dispatches into per-layer command buffers, GPU time from their timestamps.
 * Compiled on macOS only and not run by the Linux CI: metal/README.md gives the release check. */
#import <Foundation/Foundation.h>
#import <Metal/Metal.h>

#include "backend.h"
#include "metal_plan.h"
#include "../util/common.h"
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Manual retain/release (compiled with -fno-objc-arc): every object this file keeps is owned
 * by one field and released in one place; each hook drains its own autorelease pool, since the
 * token loop runs on a thread Foundation knows nothing about. */

extern const tb_backend_ops tb_backend_metal;

#define MAX_REGIONS 64   /* wrapped allocations, their views, the resident mapping */

/* A span of host memory the GPU sees as `buf`, at the same addresses. */
typedef struct {
  uint8_t *base;            /* first byte, page-aligned */
  size_t len;               /* bytes, a multiple of the page size */
  uint8_t *alloc;           /* the allocation it belongs to (freed with it), NULL: mapped */
  id<MTLBuffer> buf;
} region;

typedef struct {
  tb_backend hdr;           /* first: the engine sees a tb_backend */
  id<MTLDevice> dev;
  id<MTLCommandQueue> queue;
  id<MTLComputePipelineState> pso[TB_MK_COUNT];
  size_t page;              /* bytes: the VM page (16 KiB on Apple silicon) */
  size_t max_view;          /* bytes: the largest buffer the device allows, page-rounded */
  size_t overlap;           /* bytes: views of a long allocation overlap by one record */
  tb_geometry g;            /* from setup */
  region regions[MAX_REGIONS];
  int nregions;
  /* the layer's expert work: an open command buffer being encoded, then committed ones */
  id<MTLCommandBuffer> open_cb;
  id<MTLComputeCommandEncoder> open_enc;
  id<MTLCommandBuffer> *pending;   /* [cap_pending] committed, not yet waited for */
  int npending, cap_pending;
} tb_metal;

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/* ---- availability and the Metal library ---------------------------------------------- */

/* $TB_METALLIB, else tierbench.metallib beside the image holding this code (the engine
 * library or the test driver), where `make -C engine-c metal` writes it. */
static void library_path(char *out, size_t n) {
  const char *env = getenv("TB_METALLIB");
  if (env && *env) { snprintf(out, n, "%s", env); return; }
  Dl_info info;
  char image[PATH_MAX] = ".";
  if (dladdr((const void *)&tb_backend_metal, &info) && info.dli_fname)
    snprintf(image, sizeof image, "%s", info.dli_fname);
  snprintf(out, n, "%s/tierbench.metallib", dirname(image));
}

static int check_available(char *why, size_t n) {
  @autoreleasepool {
    id<MTLDevice> dev = MTLCreateSystemDefaultDevice();
    if (!dev) { snprintf(why, n, "no Metal device on this Mac"); return 0; }
    /* simd_sum, 32-lane SIMD groups and unified memory: Apple GPU family 7 (M1) or later */
    int apple = [dev supportsFamily:MTLGPUFamilyApple7];
    if (!apple)
      snprintf(why, n, "needs an Apple-silicon GPU (Metal family Apple7, M1 or later); this Mac has %s",
               dev.name.UTF8String);
    [dev release];
    if (!apple) return 0;
  }
  char path[PATH_MAX];
  library_path(path, sizeof path);
  if (access(path, R_OK) != 0) {
    snprintf(why, n, "the Metal library %s is missing: build it with `make -C engine-c metal` "
             "(needs Xcode's metal compiler) or point TB_METALLIB at one", path);
    return 0;
  }
  return 1;
}

static int metal_available(char *why, size_t n) { return check_available(why, n); }

/* ---- memory: host allocations the GPU reads and writes in place ---------------------- */

/* Wraps [base, base+len) as one buffer, or as views of at most max_view bytes overlapping by
 * one record, so that every record lies wholly inside some view. */
static int wrap(tb_metal *m, uint8_t *base, size_t len, uint8_t *alloc) {
  size_t step = m->max_view > m->overlap ? m->max_view - m->overlap : 0;
  if (len > m->max_view && step == 0)
    return tb_fail(TB_ERR_ARG, "metal: a record (%zu bytes) does not fit the device's largest buffer "
                   "(%zu bytes)", m->overlap, m->max_view);
  for (size_t start = 0;; start += step) {
    size_t view = len - start < m->max_view ? len - start : m->max_view;
    if (m->nregions == MAX_REGIONS)
      return tb_fail(TB_ERR_NOMEM, "metal: more than %d wrapped buffers", MAX_REGIONS);
    id<MTLBuffer> buf = [m->dev newBufferWithBytesNoCopy:base + start length:view
                                                 options:MTLResourceStorageModeShared deallocator:nil];
    if (!buf)
      return tb_fail(TB_ERR_NOMEM, "metal: cannot wrap %zu bytes at %p as a Metal buffer", view,
                     (void *)(base + start));
    m->regions[m->nregions++] = (region){ base + start, view, alloc, buf };
    if (start + view >= len) return TB_OK;
  }
}

/* Drops the regions of `alloc` (NULL: the mapped ones). */
static void unwrap(tb_metal *m, const uint8_t *alloc) {
  int kept = 0;
  for (int i = 0; i < m->nregions; i++) {
    if (m->regions[i].alloc == alloc) [m->regions[i].buf release];
    else m->regions[kept++] = m->regions[i];
  }
  m->nregions = kept;
}

static const region *find_region(const tb_metal *m, const uint8_t *p, int64_t bytes) {
  for (int i = 0; i < m->nregions; i++) {
    const region *r = &m->regions[i];
    if (p >= r->base && p + bytes <= r->base + r->len) return r;
  }
  return NULL;
}

static void drain(tb_metal *m);

/* Page-aligned, page-rounded, zeroed and touched (tb_alloc_touched), then wrapped. */
static void *metal_alloc(tb_backend *b, size_t bytes) {
  tb_metal *m = (tb_metal *)b;
  size_t len = round_up(bytes ? bytes : 1, m->page);
  uint8_t *p = bytes <= SIZE_MAX - m->page ? tb_alloc_touched(len, m->page) : NULL;
  if (!p) {
    tb_fail(TB_ERR_NOMEM, "metal backend: cannot allocate %zu bytes aligned to %zu", bytes, m->page);
    return NULL;
  }
  @autoreleasepool {
    if (wrap(m, p, len, p) < 0) {
      unwrap(m, p);
      tb_free_aligned(p);
      return NULL;
    }
  }
  return p;
}

static void metal_free(tb_backend *b, void *p) {
  tb_metal *m = (tb_metal *)b;
  drain(m);   /* no command buffer may still use it */
  unwrap(m, p);
  tb_free_aligned(p);
}

/* ---- command buffers ------------------------------------------------------------------ */

static int open_encoder(tb_metal *m) {
  if (m->open_enc) return TB_OK;
  m->open_cb = [[m->queue commandBufferWithUnretainedReferences] retain];
  m->open_enc = [[m->open_cb computeCommandEncoder] retain];   /* serial: dispatches in order */
  if (!m->open_cb || !m->open_enc) return tb_fail(TB_ERR_IO, "metal: cannot create a command buffer");
  return TB_OK;
}

static int encode(tb_metal *m, const tb_mtl_dispatch *d, const void *const roles[TB_MR_COUNT]) {
  id<MTLComputeCommandEncoder> enc = m->open_enc;
  [enc setComputePipelineState:m->pso[d->kernel]];
  for (int i = 0; i < d->binds; i++) {
    const uint8_t *p = (const uint8_t *)roles[d->bind[i].role] + d->bind[i].offset;
    const region *r = find_region(m, p, d->bind[i].bytes);
    if (!r)
      return tb_fail(TB_ERR_ARG, "metal: %s buffer %d (%lld bytes at %p) is not in memory this backend "
                     "allocated or mapped (io.engine mmap-zerocopy hands out layer-file pages the GPU "
                     "cannot see; use another io.engine)", tb_mtl_kernel_names[d->kernel], i,
                     (long long)d->bind[i].bytes, (const void *)p);
    [enc setBuffer:r->buf offset:(NSUInteger)(p - r->base) atIndex:(NSUInteger)i];
  }
  [enc setBytes:&d->args length:(NSUInteger)d->args_bytes atIndex:(NSUInteger)d->binds];
  if (d->tg_bytes) [enc setThreadgroupMemoryLength:(NSUInteger)d->tg_bytes atIndex:0];
  [enc dispatchThreadgroups:MTLSizeMake((NSUInteger)d->groups, 1, 1)
      threadsPerThreadgroup:MTLSizeMake((NSUInteger)d->threads, 1, 1)];
  return TB_OK;
}

static void commit_open(tb_metal *m) {
  if (!m->open_enc) return;
  [m->open_enc endEncoding];
  [m->open_enc release];
  m->open_enc = nil;
  [m->open_cb commit];
  m->pending[m->npending++] = m->open_cb;   /* the retain moves to pending */
  m->open_cb = nil;
}

/* Waits for every committed command buffer; adds to *busy_s the time the GPU spent on them
 * (the union of their [GPUStartTime, GPUEndTime], so overlap is not counted twice). */
static int wait_pending(tb_metal *m, double *busy_s) {
  int rc = TB_OK;
  double last_end = 0.0, busy = 0.0;
  for (int i = 0; i < m->npending; i++) {
    id<MTLCommandBuffer> cb = m->pending[i];
    [cb waitUntilCompleted];
    if (cb.status == MTLCommandBufferStatusError && rc == TB_OK)
      rc = tb_fail(TB_ERR_IO, "metal: a command buffer failed: %s",
                   cb.error ? cb.error.localizedDescription.UTF8String : "(no description)");
    double start = cb.GPUStartTime, end = cb.GPUEndTime;
    if (start < last_end) start = last_end;
    if (end > start) busy += end - start;
    if (end > last_end) last_end = end;
    [cb release];
  }
  m->npending = 0;
  if (busy_s) *busy_s += busy;
  return rc;
}

static void drain(tb_metal *m) {
  @autoreleasepool {
    commit_open(m);
    (void)wait_pending(m, NULL);
  }
}

/* ---- the ops ---------------------------------------------------------------------------- */

static void metal_destroy(tb_backend *b) {
  tb_metal *m = (tb_metal *)b;
  if (!m) return;
  if (m->pending) drain(m);
  while (m->nregions > 0) {   /* allocations the engine did not free, then the mappings */
    uint8_t *alloc = m->regions[0].alloc;
    unwrap(m, alloc);
    if (alloc) tb_free_aligned(alloc);
  }
  for (int k = 0; k < TB_MK_COUNT; k++) [m->pso[k] release];
  [m->queue release];
  [m->dev release];
  free(m->pending);
  free(m);
}

static int load_pipelines(tb_metal *m) {
  char path[PATH_MAX];
  library_path(path, sizeof path);
  NSError *err = nil;
  id<MTLLibrary> lib = [m->dev newLibraryWithURL:[NSURL fileURLWithPath:@(path)] error:&err];
  if (!lib)
    return tb_fail(TB_ERR_IO, "metal: cannot load %s: %s", path,
                   err ? err.localizedDescription.UTF8String : "(no description)");
  int rc = TB_OK;
  for (int k = 0; k < TB_MK_COUNT && rc == TB_OK; k++) {
    id<MTLFunction> f = [lib newFunctionWithName:@(tb_mtl_kernel_names[k])];
    if (!f) { rc = tb_fail(TB_ERR_IO, "metal: %s has no kernel %s", path, tb_mtl_kernel_names[k]); break; }
    m->pso[k] = [m->dev newComputePipelineStateWithFunction:f error:&err];
    [f release];
    if (!m->pso[k]) {
      rc = tb_fail(TB_ERR_IO, "metal: cannot build %s: %s", tb_mtl_kernel_names[k],
                   err ? err.localizedDescription.UTF8String : "(no description)");
      break;
    }
    /* the kernels assume 32-lane SIMD groups and the plan's threadgroup sizes */
    int threads = k == TB_MK_SWIGLU || k == TB_MK_COMBINE ? TB_MTL_VEC_THREADS : TB_MTL_QMV_THREADS;
    if (m->pso[k].threadExecutionWidth != TB_MTL_SIMD_WIDTH || m->pso[k].maxTotalThreadsPerThreadgroup < (NSUInteger)threads)
      rc = tb_fail(TB_ERR_UNAVAILABLE, "metal: %s runs %lu-wide SIMD groups, at most %lu threads per "
                   "threadgroup; the kernels need %d-wide and %d", tb_mtl_kernel_names[k],
                   (unsigned long)m->pso[k].threadExecutionWidth,
                   (unsigned long)m->pso[k].maxTotalThreadsPerThreadgroup, TB_MTL_SIMD_WIDTH, threads);
  }
  [lib release];
  return rc;
}

static int metal_create(tb_backend **out, int threads) {
  *out = NULL;
  tb_metal *m = calloc(1, sizeof *m);
  if (!m) return tb_fail(TB_ERR_NOMEM, "metal backend: out of memory");
  m->hdr.ops = &tb_backend_metal;
  m->hdr.threads = threads;
  m->page = (size_t)getpagesize();
  int rc = TB_OK;
  @autoreleasepool {
    m->dev = MTLCreateSystemDefaultDevice();
    m->queue = m->dev ? [m->dev newCommandQueue] : nil;
    if (!m->queue) rc = tb_fail(TB_ERR_UNAVAILABLE, "metal: no Metal device or command queue");
    if (rc == TB_OK) {
      m->max_view = (size_t)m->dev.maxBufferLength / m->page * m->page;
      if (m->dev.maxThreadgroupMemoryLength < TB_MTL_TG_MEM_MAX)
        rc = tb_fail(TB_ERR_UNAVAILABLE, "metal: %lu bytes of threadgroup memory, the kernels plan for %d",
                     (unsigned long)m->dev.maxThreadgroupMemoryLength, TB_MTL_TG_MEM_MAX);
    }
    if (rc == TB_OK) rc = load_pipelines(m);
  }
  if (rc < 0) { metal_destroy(&m->hdr); return rc; }
  *out = &m->hdr;
  return TB_OK;
}

static int metal_setup(tb_backend *b, const tb_backend_setup *s) {
  tb_metal *m = (tb_metal *)b;
  m->g = *s->g;
  m->overlap = round_up((size_t)s->max_record, m->page);
  m->cap_pending = s->k + 2;   /* a layer commits at most one buffer per expert, + the shared one */
  if (!(m->pending = calloc((size_t)m->cap_pending, sizeof *m->pending)))
    return tb_fail(TB_ERR_NOMEM, "metal backend: out of memory");
  if (!s->resident || s->resident_bytes == 0) return TB_OK;
  if ((uintptr_t)s->resident % m->page != 0)
    return tb_fail(TB_ERR_ARG, "metal: the resident mapping at %p is not page-aligned", (const void *)s->resident);
  /* the mapping covers whole pages, so rounding its length up stays inside it */
  int rc;
  @autoreleasepool {
    rc = wrap(m, (uint8_t *)s->resident, round_up((size_t)s->resident_bytes, m->page), NULL);
  }
  return rc;
}

static int metal_ffn(tb_backend *b, const tb_backend_ffn *job) {
  tb_metal *m = (tb_metal *)b;
  if (!m->pending) return tb_fail(TB_ERR_STATE, "metal: an FFN before setup");
  tb_mtl_dispatch d[TB_MTL_FFN_DISPATCHES];
  tb_mtl_plan_ffn(&m->g, job->rec, job->ffn, job->bits, TB_MTL_X_TILE_MAX, d);
  const void *roles[TB_MR_COUNT] = {
    [TB_MR_RECORD] = job->record, [TB_MR_X] = job->x, [TB_MR_GATE] = job->gate,
    [TB_MR_UP] = job->up, [TB_MR_ACT] = job->act, [TB_MR_Y] = job->y,
  };
  int rc;
  @autoreleasepool {
    rc = open_encoder(m);
    for (int i = 0; i < TB_MTL_FFN_DISPATCHES && rc == TB_OK; i++) rc = encode(m, &d[i], roles);
  }
  return rc;
}

static int metal_submit(tb_backend *b) {
  tb_metal *m = (tb_metal *)b;
  if (m->open_enc && m->npending == m->cap_pending)
    return tb_fail(TB_ERR_STATE, "metal: more than %d command buffers in one layer", m->cap_pending);
  @autoreleasepool {
    commit_open(m);
  }
  return TB_OK;
}

static int metal_finish(tb_backend *b, double *device_s) {
  tb_metal *m = (tb_metal *)b;
  int rc = metal_submit(b);
  @autoreleasepool {
    int wrc = wait_pending(m, device_s);
    if (rc == TB_OK) rc = wrc;
  }
  return rc;
}

static int metal_combine(tb_backend *b, float *x, const float *shared, const float *y, const float *w,
                         int k, int n, double *device_s) {
  tb_metal *m = (tb_metal *)b;
  if (!m->pending) return tb_fail(TB_ERR_STATE, "metal: a combine before setup");
  tb_mtl_dispatch d;
  tb_mtl_plan_combine(n, k, &d);
  const void *roles[TB_MR_COUNT] = { [TB_MR_H] = x, [TB_MR_SHARED] = shared, [TB_MR_YS] = y, [TB_MR_W] = w };
  int rc;
  @autoreleasepool {
    rc = open_encoder(m);
    if (rc == TB_OK) rc = encode(m, &d, roles);
    commit_open(m);   /* committed even after an encoding error, so that it is waited for */
    int wrc = wait_pending(m, device_s);
    if (rc == TB_OK) rc = wrc;
  }
  return rc;
}

const tb_backend_ops tb_backend_metal = {
  .name = "metal",
  .help = "Apple GPUs through Metal (macOS only): expert FFNs and the combine on the GPU, "
          "expert bytes read straight into GPU-visible memory.",
  .available = metal_available,
  .create = metal_create,
  .destroy = metal_destroy,
  .alloc = metal_alloc,
  .free = metal_free,
  .setup = metal_setup,
  .ffn = metal_ffn,
  .submit = metal_submit,
  .finish = metal_finish,
  .combine = metal_combine,
};
