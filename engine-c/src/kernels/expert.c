/* expert.c — one expert's FFN on its record bytes: views of the gate/up/down matrices inside
 * a Flash-MoE record, then gate and up (one pool task) → SwiGLU → down (a second task). */
#include "kernels.h"

void tb_qmat_from_record(const uint8_t *record, const tb_record_layout *rec, const tb_geometry *g,
                         int ffn, int bits, int which, tb_qmat *out) {
  const tb_part *part = &rec->part[3 * which];    /* weight, scales, biases of `which` */
  /* Part offsets are multiples of 4 bytes (weights) and 2 (scales, biases) for any valid
   * geometry, so these casts are aligned when the record is. */
  out->w = (const uint32_t *)(record + part[0].offset);
  out->scales = (const uint16_t *)(record + part[1].offset);
  out->biases = (const uint16_t *)(record + part[2].offset);
  out->rows = which == 2 ? g->hidden : ffn;
  out->cols = which == 2 ? ffn : g->hidden;
  out->bits = bits;
  out->group = g->group;
}

void tb_expert_ffn(tb_pool *p, const tb_kernel_variant *kern, const tb_geometry *g,
                   const tb_record_layout *rec, int ffn, int bits, const uint8_t *record,
                   const float *x, float *out, tb_ffn_scratch *s) {
  tb_qmat gate, up, down;
  tb_qmat_from_record(record, rec, g, ffn, bits, 0, &gate);
  tb_qmat_from_record(record, rec, g, ffn, bits, 1, &up);
  tb_qmat_from_record(record, rec, g, ffn, bits, 2, &down);
  tb_qmatvec2(p, kern, &gate, &up, x, s->gate, s->up);
  tb_swiglu(s->act, s->gate, s->up, ffn);
  tb_qmatvec(p, kern, &down, s->act, out);
}
