/* keys.c — the key registry: every field of tb_config with its name, type, default, range and
 * help. This table is the single source for engine settings: the setters validate against it
 * and tb_describe_json exports it for the TypeScript schema. Key names are the field names
 * with the first '_' turned into '.'. */
#include "config.h"
#include "../backend/backend.h"
#include "../cache/cache.h"
#include "../engine/stats.h"
#include "../io/io.h"
#include "../kernels/kernels.h"
#include "../model/geometry.h"
#include "../prefetch/prefetch.h"
#include <stddef.h>

/* Plugin registries as enum value lists. */
static const char *policy_at(int i) {   /* policies, then aliases (a policy + a predictor) */
  if (i < tb_policy_count) return tb_policies[i]->name;
  return i - tb_policy_count < tb_policy_alias_count ? tb_policy_aliases[i - tb_policy_count].name : NULL;
}
static const char *predictor_at(int i) { return i < tb_predictor_count ? tb_predictors[i]->name : NULL; }
static const char *io_engine_at(int i) { return i < tb_io_engine_count ? tb_io_engines[i]->name : NULL; }
static const char *backend_at(int i) { return i < tb_backend_count ? tb_backends[i]->name : NULL; }
static const char *kernel_at(int i) {   /* "auto" first: the best variant available here */
  if (i == 0) return "auto";
  return i - 1 < tb_kernel_variant_count ? tb_kernel_variants[i - 1].name : NULL;
}
static const char *preset_at(int i) {   /* "" first: a custom geometry */
  if (i == 0) return "";
  return i - 1 < tb_preset_count ? tb_presets[i - 1].name : NULL;
}

#define FIELD(f) offsetof(tb_config, f), sizeof(((tb_config *)0)->f)
#define INT(n, f, def, lo, hi, help)  { n, TB_KEY_INT, FIELD(f), def, lo, hi, NULL, help, NULL }
#define INTV(n, f, def, vals, help)   { n, TB_KEY_INT, FIELD(f), def, -1, 8, vals, help, NULL }
#define REAL(n, f, def, lo, hi, help) { n, TB_KEY_REAL, FIELD(f), def, lo, hi, NULL, help, NULL }
#define STR(n, f, def, help)          { n, TB_KEY_STR, FIELD(f), def, 0, 0, NULL, help, NULL }
#define ENUM(n, f, def, vals, help)   { n, TB_KEY_ENUM, FIELD(f), def, 0, 0, vals, help, NULL }
#define PLUGIN(n, f, def, at, help)   { n, TB_KEY_ENUM, FIELD(f), def, 0, 0, NULL, help, at }

#define INT_MAX_ 2147483647.0
#define BYTES_MAX 9007199254740992.0   /* 2^53: sizes cross the ABI as doubles, exactly */
#define GEOMETRY_HELP " (-1 = the preset's; used when generating a model, a run reads the manifest)"
/* "none|dense|routing|cache|wait|expert|combine", from the one stage list in stats.h */
#define STAGE_ALT(n) "|" #n

const tb_key tb_keys[] = {
  STR("model.dir", model_dir, "",
      "Model directory (layer_XX.bin, resident.bin, manifest.json) to open or to generate into"),
  PLUGIN("model.preset", model_preset, "", preset_at,
      "Named geometry that fills the model.* geometry keys; \"\" = a custom geometry"),
  INT("model.hidden", model_hidden, "-1", -1, 65536, "Model width, elements" GEOMETRY_HELP),
  INT("model.ffn", model_ffn, "-1", -1, 65536,
      "Routed expert intermediate width, elements" GEOMETRY_HELP),
  INT("model.shared_ffn", model_shared_ffn, "-1", -1, 65536,
      "Shared expert intermediate width, elements; 0 = no shared expert" GEOMETRY_HELP),
  INT("model.layers", model_layers, "-1", -1, 256, "Number of layers (layer files)" GEOMETRY_HELP),
  INT("model.experts", model_experts, "-1", -1, 65536, "Experts per layer" GEOMETRY_HELP),
  INT("model.group", model_group, "-1", -1, 4096,
      "Quantization group, elements (a multiple of 32)" GEOMETRY_HELP),
  INTV("model.bits", model_bits, "-1", "-1|2|4|8", "Bits per expert weight" GEOMETRY_HELP),
  INTV("model.dense_bits", model_dense_bits, "-1", "-1|2|4|8",
      "Bits per resident dense weight" GEOMETRY_HELP),
  INT("model.dense_matrices", model_dense_matrices, "-1", -1, 1024,
      "hidden x hidden resident matrices per layer (the dense part)" GEOMETRY_HELP),
  INT("model.seed", model_seed, "1", 0, INT_MAX_, "Seed of the generated weights"),
  INT("gen.threads", gen_threads, "0", 0, 1024, "Generator threads; 0 = every online CPU"),

  ENUM("routing.source", routing_source, "synthetic", "synthetic|trace",
      "Where routing comes from: a seeded synthetic generator or a binary trace (routing.trace)"),
  STR("routing.trace", routing_trace, "", "Binary routing trace file (TBTRACE format)"),
  INT("routing.k", routing_k, "0", 0, 1024, "Routed experts per token; 0 = the model's default K"),
  REAL("routing.zipf", routing_zipf, "0.8", 0, 10,
      "Synthetic routing: Zipf exponent of expert popularity per layer (0 = uniform)"),
  REAL("routing.reuse", routing_reuse, "0.2", 0, 1,
      "Synthetic routing: probability an expert is re-drawn from the previous token's set"),
  INT("routing.seed", routing_seed, "1", 0, INT_MAX_, "Seed of the synthetic routing"),
  REAL("routing.zipf_spread", routing_zipf_spread, "0", 0, 10,
      "Synthetic routing: spread of the Zipf exponent across layers, the sigma of its logarithm "
      "(layer exponent = zipf * exp(sigma * N(0,1)); 0 = every layer the same)"),
  INT("routing.reuse_window", routing_reuse_window, "1", 0, 1 << 20,
      "Synthetic routing: tokens back a reuse may reach, uniformly (0 or 1 = the previous token)"),
  INT("routing.topic_every", routing_topic_every, "0", 0, INT_MAX_,
      "Synthetic routing: tokens between topic shifts (0 = never)"),
  REAL("routing.topic_shift", routing_topic_shift, "0", 0, 1,
      "Synthetic routing: fraction of the popularity ranks whose experts are reshuffled at a topic shift"),
  REAL("routing.cross_layer", routing_cross_layer, "0", 0, 1,
      "Synthetic routing: probability that an expert slot follows the previous layer's slot through "
      "a fixed per-layer map (0 = layers independent, as Flash-MoE measured)"),
  STR("routing.popularity", routing_popularity, "",
      "Synthetic routing: popularity file (one line of per-expert weights per layer, written by "
      "`bun run trace popularity`) replacing Zipf; \"\" = Zipf"),

  INT("run.tokens", run_tokens, "32", 1, 100000000, "Tokens to run"),
  ENUM("exec.mode", exec_mode, "serial", "serial|overlapped",
      "serial: read every expert, then compute; overlapped: compute experts that have arrived "
      "while later ones are read, within a layer"),
  REAL("dense.passes", dense_passes, "1", 0, 1e6,
      "Passes over one layer's resident dense bytes per layer (the compute-balance knob)"),

  PLUGIN("compute.backend", compute_backend, "cpu", backend_at, "Compute backend"),
  INT("compute.threads", compute_threads, "1", 1, 1024, "Compute threads (rows split across them)"),
  PLUGIN("kernel.variant", kernel_variant, "auto", kernel_at,
      "Kernel variant; auto = the best available on this CPU, a name forces it"),

  PLUGIN("io.engine", io_engine, "pread", io_engine_at, "I/O engine"),
  INT("io.threads", io_threads, "4", 1, 64, "I/O worker threads"),
  REAL("io.chunk", io_chunk, "0", 0, 1073741824.0,
      "Bytes per read piece, so that more threads than K mean something; 0 = whole record"),
  INT("io.queue_depth", io_queue_depth, "64", 1, 4096, "Queue depth of ring-based I/O engines"),
  ENUM("io.direct", io_direct, "off", "off|on|first-touch",
      "Direct I/O: off, on (O_DIRECT; F_NOCACHE on macOS) or first-touch (an expert's first "
      "read bypasses the page cache, re-reads go through it)"),
  ENUM("io.fadvise", io_fadvise, "normal", "normal|random|sequential",
      "posix_fadvise advice on the layer files"),

  PLUGIN("cache.policy", cache_policy, "none", policy_at,
      "Application expert cache policy; none = no cache, the OS page cache does the caching"),
  REAL("cache.budget_bytes", cache_budget_bytes, "0", 0, BYTES_MAX,
      "Application cache size in physical bytes; 0 = use cache.entries"),
  INT("cache.entries", cache_entries, "0", 0, INT_MAX_, "Application cache size in experts"),
  ENUM("cache.scope", cache_scope, "global", "global|per-layer",
      "Whether the cache budget is shared by all layers or applies to each layer"),

  PLUGIN("prefetch.predictor", prefetch_predictor, "none", predictor_at,
      "Prefetch predictor: none, temporal (the previous token's experts), oracle (the true ones, "
      "an upper bound) or replay (predictions from prefetch.trace); attaches to any cache.policy"),
  INT("prefetch.depth", prefetch_depth, "1", 0, 256,
      "Layers ahead a predictor reads (0 = no prefetch)"),
  ENUM("prefetch.mode", prefetch_mode, "async", "async|deterministic",
      "async: prefetch reads run behind demand reads and may be late; deterministic: each "
      "prefetch read completes before the next lookup, for exact comparison with the simulator "
      "(a hint's readahead is the kernel's and is not waited for)"),
  ENUM("prefetch.warm", prefetch_warm, "read-discard", "read-discard|hint",
      "With no application cache, how a prefetch warms the page cache: read the record and "
      "discard it, or a readahead hint (posix_fadvise WILLNEED)"),
  STR("prefetch.trace", prefetch_trace, "",
      "Predictions for prefetch.predictor=replay: a routing trace with the run's geometry and k"),

  STR("pin.file", pin_file, "",
      "Pin profile: a popularity file (one line of per-expert weights per layer); the pin.top_n "
      "heaviest experts are pinned at open"),
  INT("pin.top_n", pin_top_n, "0", 0, INT_MAX_,
      "Experts pinned in each application cache (global scope: in all; per-layer: in each), "
      "inside its budget and never evicted; 0 = no pins"),
  INT("pin.window", pin_window, "0", 0, 100000000,
      "Pin the pin.top_n experts most requested in the first pin.window tokens, once they have "
      "run (0 = pins come from pin.file)"),

  INT("fault.fail_after_tokens", fault_fail_after_tokens, "-1", -1, INT_MAX_,
      "Fault injection: tb_step fails with TB_ERR_INJECTED after this many tokens; -1 = off"),
  INT("fault.crash_after_tokens", fault_crash_after_tokens, "-1", -1, INT_MAX_,
      "Fault injection: abort() the process after this many tokens; -1 = off"),
  ENUM("fault.stage", fault_stage, "none", "none" TB_STAGES(STAGE_ALT),
      "Fault injection: the stage that fault.sleep_ms / fault.spin_ms delay"),
  REAL("fault.sleep_ms", fault_sleep_ms, "0", 0, 1e6,
      "Fault injection: sleep this long per token in fault.stage (wall time only)"),
  REAL("fault.spin_ms", fault_spin_ms, "0", 0, 1e6,
      "Fault injection: spin this long per token in fault.stage (wall and CPU time)"),
};
const int tb_key_count = (int)(sizeof tb_keys / sizeof tb_keys[0]);
