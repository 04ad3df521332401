/* generator.h — the generator's internal entry shared with the importer: the same worker pool
 * can write every file of a model, or only resident.bin beside imported layer files. */
#ifndef TB_GENERATOR_H
#define TB_GENERATOR_H

#include "model.h"

/* imported = 1: the layer files already exist in dir (linked by the importer); only
 * resident.bin is written and the manifest says "source": "imported". */
int tb_gen_create_ex(tb_gen **out, const char *dir, const tb_geometry *g, uint64_t seed,
                     int threads, const char *preset_name, int imported);

#endif
