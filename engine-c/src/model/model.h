/* model.h — a tierbench model on disk: layer_XX.bin expert files (Flash-MoE packed layout,
 * expert e at e·record_size, no header), resident.bin (non-expert weights, mmap'd) and
 * manifest.json, written last as the commit marker.
 *
 * resident.bin layout, per layer l at l·resident_layer_stride:
 *   shared expert record (tb_record_layout at shared_ffn, dense_bits), then
 *   dense_matrices × [hidden×hidden quantized matrix at dense_bits: weights, scales, biases],
 *   each piece starting on a 4096-byte boundary. */
#ifndef TB_MODEL_H
#define TB_MODEL_H

#include <stdint.h>
#include "geometry.h"

#define TB_MANIFEST_FORMAT "tierbench-model"
#define TB_MANIFEST_VERSION 1
#define TB_MAX_LAYERS 256

typedef struct {
  char dir[4096];
  tb_geometry g;
  uint64_t seed;
  int imported;                   /* 1: layer files are a real Flash-MoE packed_experts dir */
  tb_record_layout rec;           /* expert record at g.ffn, g.bits */
  tb_record_layout shared_rec;    /* shared expert record at g.shared_ffn, g.dense_bits */
  int64_t dense_matrix_stride;    /* bytes between dense matrices (4096-aligned) */
  int64_t resident_layer_stride;  /* bytes per layer in resident.bin (4096-aligned) */
  int64_t layer_file_size;        /* bytes: experts · rec.size */
  int layer_fd[TB_MAX_LAYERS];        /* buffered read fds */
  int layer_fd_direct[TB_MAX_LAYERS]; /* O_DIRECT fds (-1 where the filesystem refuses) */
  void *layer_map[TB_MAX_LAYERS];     /* PROT_READ mappings, never touched: for mincore() */
  const uint8_t *resident;        /* mmap of resident.bin */
  int64_t resident_size;
} tb_model;

/* File names, e.g. "layer_07.bin". */
void tb_layer_file_name(int layer, char *out, int n);

/* Expected sizes from geometry (used by generator, importer and checks). */
int64_t tb_model_resident_layer_stride(const tb_geometry *g);
int64_t tb_model_dense_matrix_stride(const tb_geometry *g);

/* Open and check every file against manifest and geometry. TB_ERR_MODEL messages name the
 * file, expected and actual size ("layer_01.bin: expected 7077888 bytes, found 1024"). */
int tb_model_open(tb_model *m, const char *dir);
void tb_model_close(tb_model *m);

/* Pointers into the resident mapping. */
const uint8_t *tb_model_shared_expert(const tb_model *m, int layer);
const uint8_t *tb_model_dense_matrix(const tb_model *m, int layer, int j);

/* Generation (multi-threaded, deterministic in seed, independent of thread count).
 * Refuses without the disk space (needed vs free). Layer files are fsync'd, then the manifest
 * is written to a temp name, fsync'd and renamed. Driven in steps for progress. */
typedef struct tb_gen tb_gen;
int tb_gen_create(tb_gen **out, const char *dir, const tb_geometry *g, uint64_t seed,
                  int threads, const char *preset_name);
int tb_gen_run_step(tb_gen *gen, double budget_s, double *progress); /* TB_MORE / TB_OK / err */
void tb_gen_destroy(tb_gen *gen);

/* Importer: see tb_model_import in tierbench.h. */
int tb_import(const char *src_dir, const char *preset, int bits, uint64_t seed, const char *dst_dir);

/* Deterministic content of expert (layer, e): fills a record buffer. Used by the generator
 * and by tests that need expected bytes without reading files. */
void tb_fill_expert_record(const tb_geometry *g, const tb_record_layout *rec, uint64_t seed,
                           int layer, int expert, uint8_t *dst);

#endif
