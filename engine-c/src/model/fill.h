/* fill.h — the generator's view of resident.bin content: a layer's share is a sequence of
 * pieces (the shared expert record if any, then each dense matrix), each filled on its own so
 * that work can be split finer than a layer (a qwen layer's share is ≈ 92 MB). */
#ifndef TB_FILL_H
#define TB_FILL_H

#include <stdint.h>
#include "geometry.h"

int tb_resident_piece_count(const tb_geometry *g);
/* Offset within the layer's share and size (4096-aligned, padding included), bytes. */
void tb_resident_piece(const tb_geometry *g, int piece, int64_t *offset, int64_t *size);
/* Fills the piece's size bytes (padding zeroed). */
void tb_fill_resident_piece(const tb_geometry *g, uint64_t seed, int layer, int piece, uint8_t *dst);

#endif
