/* manifest.h — manifest.json of a model directory: what the directory holds (geometry, bits,
 * seed, where the weights came from, every file's size and optional FNV-1a 64 checksum).
 * Written last, atomically, as the commit marker; read back with every field validated. */
#ifndef TB_MANIFEST_H
#define TB_MANIFEST_H

#include <stdint.h>
#include "model.h"

typedef struct {
  char name[32];           /* "layer_00.bin" … , "resident.bin" */
  int64_t size;            /* bytes */
  int has_checksum;
  uint64_t checksum;       /* FNV-1a 64 of the whole file (tb_fnv1a from TB_FNV_INIT) */
} tb_manifest_file;

typedef struct {
  char preset[64];         /* preset name or "custom" */
  int imported;            /* "source": "imported" (1) or "generated" (0) */
  int resident_synthetic;  /* resident.bin holds generated weights */
  uint64_t seed;
  tb_geometry g;
  int64_t record_size;     /* bytes per expert record */
  int file_count;          /* g.layers + 1 */
  tb_manifest_file files[TB_MAX_LAYERS + 1];  /* layer files in order, then resident.bin */
} tb_manifest;

/* Fill m from a geometry (validated, layers ≤ TB_MAX_LAYERS): names and expected sizes, no
 * checksums. preset NULL or "" → "custom". */
void tb_manifest_init(tb_manifest *m, const tb_geometry *g, uint64_t seed, const char *preset,
                      int imported);
/* Write dir/manifest.json atomically (temp file, fsync, rename, fsync dir). */
int tb_manifest_commit(const tb_manifest *m, const char *dir);
/* Read and validate dir/manifest.json: format, version, every field's type, the geometry
 * (tb_geometry_validate), record size and file sizes consistent with it. TB_ERR_MODEL with a
 * message naming the file and the field. A missing manifest gives
 * "<dir>: no manifest.json: not a committed model (generation incomplete?)". */
int tb_manifest_load(tb_manifest *m, const char *dir);

#endif
