/* record_parts.h — the byte layout of one expert record as plain expressions that both the C
 * engine (geometry.c) and the Metal shaders (the .metal files in metal/) compile, so the two cannot drift.
 * Nine parts in Flash-MoE's order; static checks pin the layout to Flash-MoE's record sizes. */
#ifndef TB_RECORD_PARTS_H
#define TB_RECORD_PARTS_H

#if defined(__METAL_VERSION__) || defined(__cplusplus)
#define TB_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define TB_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* The nine parts of a record, in file order. */
enum { TB_GATE_W, TB_GATE_S, TB_GATE_B, TB_UP_W, TB_UP_S, TB_UP_B,
       TB_DOWN_W, TB_DOWN_S, TB_DOWN_B, TB_PARTS };

/* Per row of a matrix with `cols` inputs: uint32 words of packed values (32/bits per word,
 * lowest bits first) and (scale, bias) groups. cols is a multiple of group, group of 32. */
#define TB_WORDS_PER_ROW(cols, bits) ((cols) / (32 / (bits)))
#define TB_GROUPS_PER_ROW(cols, group) ((cols) / (group))

/* Bytes of a rows×cols matrix's weight part, and of its scales part (= its biases part: one
 * bf16 per group). Pass 64-bit operands from C: the products overflow int for large models. */
#define TB_WEIGHT_BYTES(rows, cols, bits) ((rows) * (cols) * (bits) / 8)
#define TB_GROUP_BYTES(rows, cols, group) ((rows) * ((cols) / (group)) * 2)
#define TB_MATRIX_BYTES(rows, cols, bits, group) \
  (TB_WEIGHT_BYTES(rows, cols, bits) + 2 * TB_GROUP_BYTES(rows, cols, group))

/* gate and up are ffn×hidden, down is hidden×ffn: the three matrices hold the same number of
 * values, so every matrix has the same part sizes and part p starts at
 * (p/3)·matrix + (p%3 ≥ 1)·weight + (p%3 = 2)·scales. */
#define TB_PART_OFFSET(p, hidden, ffn, bits, group)                                          \
  ((p) / 3 * TB_MATRIX_BYTES(ffn, hidden, bits, group) +                                     \
   ((p) % 3 >= 1) * TB_WEIGHT_BYTES(ffn, hidden, bits) +                                     \
   ((p) % 3 == 2) * TB_GROUP_BYTES(ffn, hidden, group))
#define TB_PART_BYTES(p, hidden, ffn, bits, group) \
  ((p) % 3 == 0 ? TB_WEIGHT_BYTES(ffn, hidden, bits) : TB_GROUP_BYTES(ffn, hidden, group))
#define TB_RECORD_BYTES(hidden, ffn, bits, group) (3 * TB_MATRIX_BYTES(ffn, hidden, bits, group))

/* Flash-MoE's Qwen3.5-397B-A17B records (hidden 4096, ffn 1024, group 64). */
TB_STATIC_ASSERT(TB_RECORD_BYTES(4096, 1024, 4, 64) == 7077888, "4-bit record is 7,077,888 bytes");
TB_STATIC_ASSERT(TB_RECORD_BYTES(4096, 1024, 2, 64) == 3932160, "2-bit record is 3,932,160 bytes");
TB_STATIC_ASSERT(TB_PART_OFFSET(TB_PARTS, 4096, 1024, 4, 64) == TB_RECORD_BYTES(4096, 1024, 4, 64),
                 "the nine parts tile the record");
TB_STATIC_ASSERT(TB_PART_OFFSET(TB_DOWN_B, 4096, 1024, 8, 64) + TB_PART_BYTES(TB_DOWN_B, 4096, 1024, 8, 64) ==
                 TB_RECORD_BYTES(4096, 1024, 8, 64), "the last part ends the record");
/* Weight parts start on 4-byte (uint32) boundaries, scales and biases on 2-byte (bf16) ones:
 * every part size is even, and a weight part is a multiple of 4 when cols is a multiple of 32. */
TB_STATIC_ASSERT(TB_PART_OFFSET(TB_UP_W, 4096, 1024, 2, 32) % 4 == 0, "weight parts are word-aligned");
TB_STATIC_ASSERT(TB_PART_OFFSET(TB_DOWN_W, 96, 160, 2, 32) % 4 == 0, "weight parts are word-aligned");

#endif
