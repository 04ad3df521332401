/* run_compute.c — the arithmetic of a token on real bytes: the embedding of the token index,
 * the dense part over the layer's resident matrices (dense.passes, fractions included), the
 * shared and routed expert FFNs, the combine in routing order, and the output hash. The FFNs
 * and the combine run on the compute backend's device when it has one (Metal). */
#include "run_internal.h"
#include <math.h>

#define RMS_EPS 1e-6f

/* x[i] uniform in [-1, 1), a pure function of (token, i): a token needs nothing before it. */
void tb_run_embed(tb_run *r, int64_t token) {
  for (int i = 0; i < r->hidden; i++) {
    uint64_t st = ((uint64_t)token << 32) ^ (uint64_t)i;
    r->x[i] = (float)((double)(tb_splitmix64(&st) >> 11) * 0x1.0p-52 - 1.0);
  }
}

/* Rows [0, rows) of dense matrix j of `layer`: a prefix of rows is itself a matrix, since
 * weights, scales and biases are stored row by row. */
static void dense_view(const tb_run *r, int layer, int j, int rows, tb_qmat *m) {
  const tb_geometry *g = &r->model.g;
  tb_part p[3];
  tb_dense_matrix_layout(g, p);
  const uint8_t *base = tb_model_dense_matrix(&r->model, layer, j);
  m->w = (const uint32_t *)(base + p[0].offset);
  m->scales = (const uint16_t *)(base + p[1].offset);
  m->biases = (const uint16_t *)(base + p[2].offset);
  m->rows = rows;
  m->cols = g->hidden;
  m->bits = g->dense_bits;
  m->group = g->group;
}

/* x[0..rows) += M[0..rows)·rmsnorm(x). The generator scales weights so a matvec maps RMS 1
 * to RMS ≈ 1/√12, so residual adds keep activations finite over any number of passes. */
static void dense_apply(tb_run *r, int layer, int j, int rows) {
  tb_qmat m;
  dense_view(r, layer, j, rows, &m);
  tb_rmsnorm(r->xn, r->x, r->hidden, RMS_EPS);
  tb_qmatvec(r->pool, r->kern, &m, r->xn, r->tmp);
  for (int i = 0; i < rows; i++) r->x[i] += r->tmp[i];
}

/* dense.passes = n + f: n passes over every dense matrix of the layer, then one pass over the
 * first round(f·hidden) rows of each — the compute-balance knob of DESIGN §2. */
void tb_run_dense(tb_run *r, int layer) {
  int mats = r->model.g.dense_matrices;
  double passes = r->cfg.dense_passes;
  int full = (int)floor(passes);
  int part_rows = (int)lround((passes - full) * r->hidden);
  for (int p = 0; p < full; p++)
    for (int j = 0; j < mats; j++) dense_apply(r, layer, j, r->hidden);
  if (part_rows > 0)
    for (int j = 0; j < mats; j++) dense_apply(r, layer, j, part_rows);
}

void tb_run_expert_input(tb_run *r) { tb_rmsnorm(r->xn, r->x, r->hidden, RMS_EPS); }

/* One expert's FFN into out[hidden]: queued on a device backend, computed here on the CPU one. */
static int expert_ffn(tb_run *r, const tb_record_layout *rec, int ffn, int bits, const uint8_t *record,
                      float *out) {
  if (r->backend_ops->ffn) {
    const tb_backend_ffn job = { record, rec, ffn, bits, r->xn, r->ffn.gate, r->ffn.up, r->ffn.act, out };
    return r->backend_ops->ffn(r->backend, &job);
  }
  tb_expert_ffn(r->pool, r->kern, &r->model.g, rec, ffn, bits, record, r->xn, out, &r->ffn);
  return TB_OK;
}

int tb_run_shared_expert(tb_run *r, int layer) {
  const tb_geometry *g = &r->model.g;
  if (g->shared_ffn == 0) return TB_OK;    /* shared_y stays zero */
  return expert_ffn(r, &r->model.shared_rec, g->shared_ffn, g->dense_bits,
                    tb_model_shared_expert(&r->model, layer), r->shared_y);
}

int tb_run_routed_expert(tb_run *r, int k) {
  const tb_geometry *g = &r->model.g;
  tb_fetch *f = &r->fetch[k];
  int rc = expert_ffn(r, &r->model.rec, g->ffn, g->bits, f->bytes, r->y + (size_t)k * (size_t)r->hidden);
  f->computed = 1;
  return rc;
}

int tb_run_experts_submit(tb_run *r) {
  return r->backend_ops->submit ? r->backend_ops->submit(r->backend) : TB_OK;
}

int tb_run_experts_finish(tb_run *r) {
  if (!r->backend_ops->finish) return TB_OK;
  double device_s = 0.0;
  int rc = r->backend_ops->finish(r->backend, &device_s);
  r->c[TB_C_expert_device_s] += device_s;
  return rc;
}

/* h = x + shared + Σ_k w_k·y_k, k in routing order whatever order the bytes arrived in. */
int tb_run_combine(tb_run *r) {
  if (r->backend_ops->combine) {
    double device_s = 0.0;
    int rc = r->backend_ops->combine(r->backend, r->x, r->shared_y, r->y, r->w, r->k, r->hidden, &device_s);
    r->c[TB_C_combine_device_s] += device_s;
    return rc;
  }
  for (int i = 0; i < r->hidden; i++) r->x[i] += r->shared_y[i];
  tb_combine(r->x, r->y_ptr, r->w, r->k, r->hidden);
  return TB_OK;
}

void tb_run_hash_token(tb_run *r) {
  r->hash = tb_fnv1a(r->hash, r->x, (size_t)r->hidden * sizeof *r->x);
}
