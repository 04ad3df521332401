/* pin.h — pinned experts: choosing them (the top N by a weight: a popularity profile read by
 * tb_popularity_load, or the requests of a warm-up window) and placing them in the application
 * cache, inside its budget.
 * Pure bookkeeping shared by engine and simulator; the engine loads the bytes of the fills. */
#ifndef TB_PIN_H
#define TB_PIN_H

#include <stdint.h>
#include "cache.h"

/* The n keys of highest weight (ties: lower key first), only keys of weight > 0: over all
 * layers·experts keys (global scope), or n in each layer (per_layer). order is [layers·experts]
 * scratch. Writes keys to out (room for n, or layers·n per layer) and returns their count. */
int tb_pin_choose(const double *weight, int layers, int experts, int per_layer, int n,
                  int32_t *order, int32_t *out);

/* A pinned key whose slot must be filled (it was not resident). */
typedef struct { int32_t key; int cache, slot; } tb_pin_fill;

/* Pin keys[0..n) in the cache of their layer (caches[layer] when per_layer, else caches[0]),
 * after ending every cache's open batch (pins are placed between tokens). Resident keys are
 * pinned in place; the others take a slot (evicting as the policy chooses), listed in fills.
 * Returns the number of fills, or TB_ERR_ARG when a cache has no unpinned slot left. */
int tb_pin_place(tb_cache *const *caches, int n_caches, int per_layer, int experts,
                 const int32_t *keys, int n, tb_pin_fill *fills);

#endif
