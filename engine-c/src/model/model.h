/* model.h — a tierbench model on disk: layer_XX.bin expert files (Flash-MoE packed layout,
 * expert e at e·record_size, no header), resident.bin (non-expert weights, mmap'd) and
 * manifest.json, written last as the commit marker.
 *
 * resident.bin layout, per layer l at l·resident_layer_stride:
 *   shared expert record (tb_record_layout at shared_ffn, dense_bits), then
 *   dense_matrices × [hidden×hidden quantized matrix at dense_bits: weights, scales, biases],
 *   each piece (the shared record, each matrix) starting on a 4096-byte boundary. Within a
 *   matrix the weights, scales and biases are contiguous, like one third of an expert record.
 * Byte order is little-endian (uint32 weight words, bf16 scales and biases), as Flash-MoE's. */
#ifndef TB_MODEL_H
#define TB_MODEL_H

#include <stdint.h>
#include "geometry.h"

#define TB_MANIFEST_FORMAT "tierbench-model"
#define TB_MANIFEST_VERSION 1
#define TB_MAX_LAYERS 256

typedef struct {
  char dir[4096];
  char preset[64];                /* preset name, or "custom" */
  tb_geometry g;
  uint64_t seed;
  int imported;                   /* 1: layer files are a real Flash-MoE packed_experts dir */
  int resident_synthetic;         /* 1: resident.bin holds generated (not real) weights */
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

#define TB_RESIDENT_FILE "resident.bin"
#define TB_MANIFEST_FILE "manifest.json"

/* Expected sizes from geometry (used by generator, importer and checks), bytes. */
int64_t tb_model_resident_layer_stride(const tb_geometry *g);
int64_t tb_model_dense_matrix_stride(const tb_geometry *g);
int64_t tb_model_layer_file_size(const tb_geometry *g);      /* experts · record size */
int64_t tb_model_resident_size(const tb_geometry *g);        /* layers · resident stride */
/* Offset of dense matrix j within one layer's share of resident.bin. */
int64_t tb_model_dense_matrix_offset(const tb_geometry *g, int j);
/* Weights, scales and biases of one dense matrix, offsets relative to the matrix. */
void tb_dense_matrix_layout(const tb_geometry *g, tb_part out[3]);

/* Open and check every file against manifest and geometry. TB_ERR_MODEL messages name the
 * file, expected and actual size ("layer_01.bin: expected 7077888 bytes, found 1024"). */
int tb_model_open(tb_model *m, const char *dir);
void tb_model_close(tb_model *m);

/* Recompute the FNV-1a 64 checksum of every file that has one in the manifest (reads every
 * byte). TB_OK, or TB_ERR_MODEL naming the file, expected and actual checksum.
 * tb_model_check (tierbench.h) = tb_model_open + this + tb_model_close. */
int tb_model_verify_checksums(const tb_model *m);

/* Pointers into the resident mapping (shared expert: NULL when shared_ffn is 0). */
const uint8_t *tb_model_shared_expert(const tb_model *m, int layer);
const uint8_t *tb_model_dense_matrix(const tb_model *m, int layer, int j);

/* Generation (multi-threaded, deterministic in seed, independent of thread count).
 * Refuses without the disk space (needed vs free). Layer files are fsync'd, then the manifest
 * is written to a temp name, fsync'd and renamed. Driven in steps for progress. */
typedef struct tb_gen tb_gen;
/* dir is created (with parents) if absent; a dir that already holds manifest.json is refused
 * (TB_ERR_STATE: the caller deletes it first). threads ≤ 0: one per online CPU.
 * preset_name NULL or "" → "custom". */
int tb_gen_create(tb_gen **out, const char *dir, const tb_geometry *g, uint64_t seed,
                  int threads, const char *preset_name);
/* Also record an FNV-1a 64 checksum of every file in the manifest (each file is then written
 * by one thread in order, so parallelism is across files). Only before the first step. */
int tb_gen_set_checksums(tb_gen *gen, int on);
int tb_gen_run_step(tb_gen *gen, double budget_s, double *progress); /* TB_MORE / TB_OK / err */
/* Stops the workers; an unfinished generation leaves no manifest (not a model). */
void tb_gen_destroy(tb_gen *gen);

/* Importer: see tb_model_import in tierbench.h. tb_import_create gives the same work in steps
 * (a tb_gen that writes only resident.bin and the manifest); tb_import runs it to the end. */
int tb_import_create(tb_gen **out, const char *src_dir, const char *preset, int bits,
                     uint64_t seed, const char *dst_dir, int threads);
int tb_import(const char *src_dir, const char *preset, int bits, uint64_t seed, const char *dst_dir);

/* Deterministic content of expert (layer, e): fills a record buffer. Depends only on
 * (geometry, seed, layer, expert). Used by the generator and by tests that need expected
 * bytes without reading files. */
void tb_fill_expert_record(const tb_geometry *g, const tb_record_layout *rec, uint64_t seed,
                           int layer, int expert, uint8_t *dst);
/* Deterministic content of one layer's share of resident.bin (resident_layer_stride bytes,
 * padding zeroed), from a stream distinct from the experts'. */
void tb_fill_resident_layer(const tb_geometry *g, uint64_t seed, int layer, uint8_t *dst);

#endif
