/* pagecache_model.h — a model of the OS page cache for the simulator: what a buffered read of an
 * expert record finds resident, at record granularity, so that "trust the OS" (no application
 * cache) and the page cache left beside an application cache can be predicted, not only
 * measured (DESIGN §4). Bytes throughout; nothing allocated after create. */
#ifndef TB_PAGECACHE_MODEL_H
#define TB_PAGECACHE_MODEL_H

#include <stdint.h>

enum {
  TB_PC_OFF = 0,   /* no model: every read that misses the application cache hits the device */
  TB_PC_LRU = 1,   /* one LRU list of records; every read moves its record to the front */
  TB_PC_2Q = 2,    /* Linux's active/inactive lists: a second read while inactive activates */
};

typedef struct {
  int kind;                   /* TB_PC_LRU or TB_PC_2Q */
  int layers, experts;        /* one layer file per layer, expert e at offset e·record_bytes */
  int64_t record_bytes;       /* bytes per expert record */
  int64_t capacity_bytes;     /* page cache the model may fill (≤ 0: nothing stays resident) */
  int64_t readahead_bytes;    /* extra bytes read past a record by a read that reaches the
                                 device: the head of the next record of the same file (at most
                                 one record; 0 = no readahead) */
  double active_fraction;     /* 2Q: share of capacity_bytes the active list may hold, (0, 1] */
} tb_pcmodel_params;

typedef struct tb_pcmodel tb_pcmodel;

int tb_pcmodel_create(tb_pcmodel **out, const tb_pcmodel_params *p);
void tb_pcmodel_destroy(tb_pcmodel *pc);
/* A buffered read of one whole record. *cached: bytes found resident (a resident prefix of the
 * record); *device: bytes the device delivers — the rest of the record plus the readahead bytes
 * not yet resident. The record (and what readahead brought) is resident afterwards unless the
 * capacity cannot hold it. */
void tb_pcmodel_read(tb_pcmodel *pc, int layer, int expert, int64_t *cached, int64_t *device);
/* Bytes of this record resident now. */
int64_t tb_pcmodel_resident(const tb_pcmodel *pc, int layer, int expert);
/* Bytes resident in all. */
int64_t tb_pcmodel_used(const tb_pcmodel *pc);

#endif
