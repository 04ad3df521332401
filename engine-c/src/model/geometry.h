/* geometry.h — model shape (presets and custom) and the byte layout of one expert record,
 * byte-for-byte Flash-MoE's packed layout: nine parts, no header, weights as uint32 words
 * packing 32/bits values lowest bits first, bf16 scales and biases per group. */
#ifndef TB_GEOMETRY_H
#define TB_GEOMETRY_H

#include <stdint.h>
#include "record_parts.h"   /* the part enum and size expressions, shared with the Metal shaders */

typedef struct {
  int hidden;          /* elements: model width */
  int ffn;             /* elements: routed expert intermediate width */
  int shared_ffn;      /* elements: shared expert intermediate width (0 = no shared expert) */
  int layers;          /* layer files */
  int experts;         /* experts per layer */
  int k;               /* routed experts per token (default for routing.k) */
  int group;           /* elements per quantization group (multiple of 32) */
  int bits;            /* expert bits: 2, 4 or 8 */
  int dense_bits;      /* bits of the resident dense matrices */
  int dense_matrices;  /* hidden×hidden resident matrices per layer (the dense part) */
} tb_geometry;

typedef struct {
  const char *name;
  tb_geometry g;
  const char *source;  /* where the numbers come from */
} tb_preset;

extern const char *const tb_part_names[TB_PARTS]; /* "gate.weight", "gate.scales", ... */

typedef struct { int64_t offset, size; } tb_part;   /* bytes within the record */

typedef struct {
  tb_part part[TB_PARTS];
  int64_t size;        /* bytes: whole record */
} tb_record_layout;

extern const tb_preset tb_presets[];
extern const int tb_preset_count;
const tb_preset *tb_preset_find(const char *name);

/* Checks bits ∈ {2,4,8}, group multiple of 32 dividing hidden and ffn, positive sizes.
 * Returns TB_OK or TB_ERR_ARG with a message. */
int tb_geometry_validate(const tb_geometry *g);
/* Layout of an expert record with intermediate width `ffn` at `bits`. */
void tb_record_layout_of(const tb_geometry *g, int ffn, int bits, tb_record_layout *out);
/* Bytes of one quantized rows×cols matrix (weights + scales + biases). */
int64_t tb_qmatrix_bytes(int rows, int cols, int bits, int group);

#endif
