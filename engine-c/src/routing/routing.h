/* routing.h — routing fixed before a run: tokens × layers × K expert ids and gate weights,
 * from a seeded synthetic source or tierbench's binary trace format. The next-use table
 * (for OPT and oracle prefetch) is derived once here.
 *
 * Binary trace format (little-endian), docs/trace-format.md:
 *   offset 0  char[8]  magic "TBTRACE\0"
 *          8  u32      version (1)
 *         12  u32      layers
 *         16  u32      experts (per layer)
 *         20  u32      k
 *         24  u32      tokens
 *         28  u32      flags (bit 0: gate weights present)
 *         32  u8[32]   reserved, zero
 *         64  i32      ids[tokens][layers][k]
 *             f32      weights[tokens][layers][k]   (if flags bit 0; else 1/k each)
 * File size = 64 + 4·N (8·N with weights), N = tokens·layers·k; reserved bytes and other flag
 * bits must be 0; ids in range and distinct per row; weights finite, ≥ 0, rows scaled to sum 1.
 */
#ifndef TB_ROUTING_H
#define TB_ROUTING_H

#include <stdint.h>

#define TB_TRACE_MAGIC "TBTRACE"
#define TB_TRACE_VERSION 1
#define TB_TRACE_HEADER_BYTES 64
#define TB_ROUTING_MAX_K 1024    /* experts per (token, layer) */

typedef struct {
  int tokens, layers, experts, k;
  int32_t *ids;        /* [tokens][layers][k] */
  float *weights;      /* [tokens][layers][k], sums to 1 per (token, layer) */
  int64_t *next_use;   /* [tokens][layers][k]: token of the next request of the same
                          (layer, expert), TB_NEXT_USE_NEVER if none */
} tb_routing;

typedef struct {
  double zipf;         /* popularity exponent per layer (0 = uniform) */
  double reuse;        /* probability an expert is re-drawn from the previous token's set */
  uint64_t seed;
  /* The calibrated workload's parameters (harness/workload/calibrate.ts); zero = off, so a
   * caller that sets only the three above gets Zipf + reuse of the previous token. */
  double zipf_spread;  /* σ of ln(exponent) across layers: layer exponent = zipf·e^(σ·N(0,1)) */
  int reuse_window;    /* tokens a reuse may reach back, uniformly (0 or 1 = previous token) */
  int topic_every;     /* tokens between topic shifts (0 = never) */
  double topic_shift;  /* fraction of popularity ranks reshuffled at each shift, [0,1] */
  double cross_layer;  /* probability a slot follows the previous layer's slot through a
                          fixed per-layer map (0 = layers independent) */
  const double *popularity; /* [layers][experts] weights replacing Zipf (NULL = Zipf); see
                               tb_popularity_load */
} tb_synth_params;

int tb_routing_synthetic(tb_routing *r, int tokens, int layers, int experts, int k,
                         const tb_synth_params *p);
/* Loads a trace; it must have ≥ layers layers (the first `layers` are used), exactly
 * `experts` experts and k. tokens ≤ 0 = all; more tokens than the trace has → error. */
int tb_routing_load(tb_routing *r, const char *path, int tokens, int layers, int experts, int k);
int tb_routing_save(const tb_routing *r, const char *path);
void tb_routing_free(tb_routing *r);

/* Allocate ids, weights and next_use for tokens × layers × k (contents unset) into a zeroed r;
 * TB_ERR_ARG for sizes out of range, TB_ERR_NOMEM naming the bytes. Used by every source. */
int tb_routing_alloc(tb_routing *r, int tokens, int layers, int experts, int k);
/* Fill r->next_use from r->ids in one backward pass, O(tokens·layers·k): for each request,
 * the token of the next request of the same (layer, expert), TB_NEXT_USE_NEVER when none.
 * Needs a layers·experts scratch table: TB_OK or TB_ERR_NOMEM. */
int tb_routing_fill_next_use(tb_routing *r);

/* Popularity file (routing.popularity): text, '#' comments, then one line per layer of
 * `experts` non-negative weights (relative; each line must have a positive sum), exactly
 * `layers` lines. Errors name file:line and what was expected. *out is malloc'd
 * [layers][experts]; written by `bun run trace popularity` from a measured profile. */
int tb_popularity_load(const char *path, int layers, int experts, double **out);

#endif
