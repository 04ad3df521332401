/* config.h — the engine's configuration (immutable once a run opens) and the key registry
 * that is the single source for every engine key: name, type, default, range, help.
 * The registry is exported through tb_describe_json(); the TypeScript schema derives from it. */
#ifndef TB_CONFIG_H
#define TB_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "../model/geometry.h"

typedef enum { TB_KEY_INT, TB_KEY_REAL, TB_KEY_BOOL, TB_KEY_ENUM, TB_KEY_STR } tb_key_type;

typedef struct {
  /* model.* — which model to open, and what to generate */
  char model_dir[4096];
  char model_preset[64];        /* "" = custom geometry from the keys below */
  /* Geometry for generation (tb_gen_*): -1 = the preset's value. A run takes its geometry
   * from the model's manifest, never from these. */
  int model_hidden, model_ffn, model_shared_ffn, model_layers, model_experts;
  int model_group, model_bits, model_dense_bits, model_dense_matrices;
  int model_seed;
  int gen_threads;              /* 0 = every online CPU */
  /* routing.* */
  char routing_source[16];      /* synthetic | trace */
  char routing_trace[4096];
  int routing_k;                /* 0 = the model's default K */
  double routing_zipf, routing_reuse;
  int routing_seed;
  double routing_zipf_spread;   /* σ of ln(exponent) across layers (calibrated workload) */
  int routing_reuse_window;     /* tokens a reuse may reach back (0, 1 = previous token) */
  int routing_topic_every;      /* tokens between topic shifts, 0 = never */
  double routing_topic_shift;   /* fraction of popularity ranks reshuffled per shift */
  double routing_cross_layer;   /* probability a slot follows the previous layer's */
  char routing_popularity[4096];/* popularity file replacing Zipf, "" = Zipf */
  /* run.* */
  int run_tokens;
  char exec_mode[16];           /* serial | overlapped */
  /* dense.* */
  double dense_passes;          /* passes over one layer's resident dense bytes per layer */
  /* compute.* */
  char compute_backend[16];
  int compute_threads;
  char kernel_variant[16];      /* auto | scalar | avx2 | avx512 */
  /* io.* */
  char io_engine[16];
  int io_threads;
  double io_chunk;              /* bytes, 0 = whole record */
  int io_queue_depth;
  char io_direct[16];           /* off | on | first-touch */
  char io_fadvise[16];          /* normal | random | sequential */
  /* cache.* */
  char cache_policy[16];
  double cache_budget_bytes;    /* physical bytes; 0 = use cache.entries */
  int cache_entries;
  char cache_scope[16];         /* global | per-layer */
  /* prefetch.* */
  char prefetch_predictor[16];  /* a predictor of the prefetch registry; none = no prefetch */
  int prefetch_depth;           /* layers ahead (0 = no prefetch) */
  char prefetch_mode[16];       /* async | deterministic (each prefetch done before the next lookup) */
  char prefetch_warm[16];       /* no application cache: read-discard | hint (WILLNEED) */
  char prefetch_trace[4096];    /* replay predictor: predictions in the routing trace format */
  /* pin.* — experts kept resident in the application cache, inside its budget */
  char pin_file[4096];          /* popularity profile: pin the pin.top_n heaviest; "" = none */
  int pin_top_n;                /* entries pinned per cache (global: in all; per-layer: in each) */
  int pin_window;               /* tokens: pin the top_n most requested of the first window tokens */
  /* fault.* — fault injection for the harness's failure and timing tests */
  int fault_fail_after_tokens;  /* -1 off: tb_step returns TB_ERR_INJECTED */
  int fault_crash_after_tokens; /* -1 off: abort() — kills the process, on purpose */
  char fault_stage[16];         /* none | dense | routing | cache | wait | expert | combine */
  double fault_sleep_ms;        /* per token, in fault.stage, sleeping (wall only) */
  double fault_spin_ms;         /* per token, in fault.stage, spinning (wall + CPU) */
} tb_config;

typedef struct {
  const char *name;
  tb_key_type type;
  size_t offset;                /* into tb_config */
  size_t size;                  /* string capacity */
  const char *def;              /* default, as text */
  double min, max;              /* numeric range (inclusive) */
  const char *values;           /* enum values "a|b|c" (NULL: from a plugin registry);
                                   for an int key, the only allowed numbers ("-1|2|4|8") */
  const char *help;
  /* Enum keys whose values come from a plugin registry: the i-th allowed value, NULL past
   * the end. The registry is the single source, so a new plugin needs no edit here. */
  const char *(*registry)(int i);
} tb_key;

extern const tb_key tb_keys[];
extern const int tb_key_count;
/* NULL (and an error naming the key, with the closest known key) when unknown. */
const tb_key *tb_key_find(const char *name);
/* The i-th allowed value of an enum key (static or registry), NULL past the end. */
const char *tb_key_value(const tb_key *k, int i, char *buf, int n);

void tb_config_defaults(tb_config *c);
int tb_config_set_int(tb_config *c, const char *key, int v);
int tb_config_set_real(tb_config *c, const char *key, double v);
int tb_config_set_str(tb_config *c, const char *key, const char *v);
/* The geometry to generate: model.preset's, overridden by every model.* key that is not -1;
 * k = routing.k, else the preset's, else 4 (at most experts). TB_ERR_ARG naming the first
 * key left unset, or the geometry rule broken. */
int tb_config_geometry(const tb_config *c, tb_geometry *g);

/* Writes the resolved config as a JSON object into buf. Returns bytes written or error. */
/* Bytes that always suffice for tb_config_to_json (every string escaped at worst). */
int tb_config_json_capacity(void);
int tb_config_to_json(const tb_config *c, char *buf, int n);

#endif
