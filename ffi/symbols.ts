// symbols.ts — every C symbol the binding uses, declared once, mirroring engine-c/include/tierbench.h.
// Only i32, f64 and pointers cross (strings as NUL-terminated buffers in, pointers out);
// tests/ffi-abi.test.ts checks this table against the header.
import { FFIType, type FFIFunction } from "bun:ffi";

/** The ABI this binding was written for; must equal TB_ABI_VERSION in tierbench.h. */
export const TB_ABI_VERSION = 1;

const { i32, f64, ptr } = FFIType;
const none = FFIType.void;

export const symbols = {
  tb_abi_version: { args: [], returns: i32 },
  tb_last_error: { args: [], returns: ptr },
  tb_describe_json: { args: [], returns: ptr },

  tb_engine_new: { args: [], returns: ptr },
  tb_engine_free: { args: [ptr], returns: none },
  tb_set_int: { args: [ptr, ptr, i32], returns: i32 },
  tb_set_real: { args: [ptr, ptr, f64], returns: i32 },
  tb_set_str: { args: [ptr, ptr, ptr], returns: i32 },
  tb_config_json: { args: [ptr], returns: ptr },

  tb_open: { args: [ptr], returns: i32 },
  tb_step: { args: [ptr, f64], returns: i32 },
  tb_cancel: { args: [ptr], returns: none },

  tb_stat_count: { args: [ptr], returns: i32 },
  tb_stat_name: { args: [ptr, i32], returns: ptr },
  tb_stats_read: { args: [ptr, ptr, i32], returns: i32 },
  tb_token_times: { args: [ptr, ptr, i32], returns: i32 },
  tb_layer_stat_count: { args: [], returns: i32 },
  tb_layer_stat_name: { args: [i32], returns: ptr },
  tb_layer_stats_read: { args: [ptr, ptr, i32], returns: i32 },
  tb_token_counter_count: { args: [], returns: i32 },
  tb_token_counter_name: { args: [i32], returns: ptr },
  tb_token_counters_read: { args: [ptr, ptr, i32], returns: i32 },
  tb_output_hash: { args: [ptr], returns: ptr },

  tb_gen_begin: { args: [ptr], returns: i32 },
  tb_gen_step: { args: [ptr, f64, ptr], returns: i32 },
  tb_model_check: { args: [ptr], returns: i32 },
  tb_model_import: { args: [ptr, ptr, i32, i32, ptr], returns: i32 },

  tb_routing_write: { args: [ptr, ptr], returns: i32 },

  tb_pagecache_drop: { args: [ptr], returns: i32 },
  tb_pagecache_resident: { args: [ptr, ptr], returns: i32 },
  tb_pagecache_preread: { args: [ptr, ptr], returns: i32 },

  tb_sim_new: { args: [ptr, ptr], returns: ptr },
  tb_sim_step: { args: [ptr, f64, ptr], returns: i32 },
  tb_sim_cancel: { args: [ptr], returns: none },
  tb_sim_result_json: { args: [ptr], returns: ptr },
  tb_sim_free: { args: [ptr], returns: none },
} as const satisfies Record<string, FFIFunction>;

export type SymbolName = keyof typeof symbols;
