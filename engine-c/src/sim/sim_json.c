/* sim_json.c — the simulator's results as JSON (sim_json.h). */
#include "sim_json.h"

const char *tb_sim_direct_name(int direct) {
  return direct == TB_SIM_DIRECT_ON ? "on" : direct == TB_SIM_DIRECT_FIRST_TOUCH ? "first-touch" : "off";
}

const char *tb_sim_pagecache_name(int kind) {
  return kind == TB_PC_LRU ? "lru" : kind == TB_PC_2Q ? "2q" : "off";
}

static void int_member(tb_jw *w, const char *key, int64_t v) { tb_jw_key(w, key); tb_jw_int(w, v); }

static void layer_array(tb_jw *w, const char *key, const int64_t *v, int layers) {
  tb_jw_key(w, key);
  tb_jw_begin_array(w);
  for (int l = 0; l < layers; l++) tb_jw_int(w, v[l]);
  tb_jw_end_array(w);
}

static void cell_json(tb_jw *w, const tb_sim_cell *c, int layers) {
  tb_jw_begin_object(w);
  tb_jw_key(w, "policy"); tb_jw_str(w, c->policy ? c->policy->name : "");
  int_member(w, "entries", c->entries);
  int_member(w, "status", c->status);
  if (c->status < 0) { tb_jw_key(w, "error"); tb_jw_str(w, c->error); }
  int_member(w, "capacity", c->capacity);
  int_member(w, "requests", c->requests);
  int_member(w, "hits", c->hits);
  int_member(w, "misses", c->misses);
  int_member(w, "insertions", c->insertions);
  int_member(w, "bypasses", c->bypasses);
  int_member(w, "evictions", c->evictions);
  int_member(w, "direct_reads", c->direct_reads);
  int_member(w, "buffered_reads", c->buffered_reads);
  int_member(w, "requested_bytes", (int64_t)c->requested_bytes);
  int_member(w, "page_cache_bytes", (int64_t)c->page_cache_bytes);
  int_member(w, "device_bytes", (int64_t)c->device_bytes);
  int_member(w, "readahead_bytes", (int64_t)c->readahead_bytes);
  int_member(w, "pagecache_capacity_bytes", (int64_t)c->pc_capacity_bytes);
  int_member(w, "prefetch_predictions", c->prefetch_predictions);
  int_member(w, "prefetch_resident", c->prefetch_resident);
  int_member(w, "prefetch_dropped", c->prefetch_dropped);
  int_member(w, "prefetch_issued", c->prefetch_issued);
  int_member(w, "prefetch_useful", c->prefetch_useful);
  int_member(w, "prefetch_wasted", c->prefetch_wasted);
  int_member(w, "prefetch_reads", c->prefetch_reads);
  int_member(w, "prefetch_page_cache_bytes", (int64_t)c->prefetch_page_cache_bytes);
  int_member(w, "prefetch_device_bytes", (int64_t)c->prefetch_device_bytes);
  int_member(w, "pinned", c->pinned);
  if (c->layer_requests) layer_array(w, "layer_requests", c->layer_requests, layers);
  if (c->layer_hits) layer_array(w, "layer_hits", c->layer_hits, layers);
  tb_jw_end_object(w);
}

void tb_sim_json(tb_jw *w, const tb_sim_setup *s, const tb_sim_cell *cells, int n) {
  const tb_routing *rt = s->routing;
  tb_jw_begin_object(w);
  int_member(w, "layers", rt->layers);
  int_member(w, "experts", rt->experts);
  int_member(w, "k", rt->k);
  int_member(w, "tokens", rt->tokens);
  int_member(w, "warmup", s->warmup_tokens);
  int_member(w, "record_bytes", s->record_bytes);
  tb_jw_key(w, "scope"); tb_jw_str(w, s->per_layer ? "per-layer" : "global");
  tb_jw_key(w, "direct"); tb_jw_str(w, tb_sim_direct_name(s->direct));
  tb_jw_key(w, "pagecache");
  tb_jw_begin_object(w);
  tb_jw_key(w, "model"); tb_jw_str(w, tb_sim_pagecache_name(s->pc_kind));
  int_member(w, "bytes", (int64_t)s->page_cache_bytes);
  int_member(w, "readahead_bytes", s->readahead_bytes);
  tb_jw_end_object(w);
  tb_jw_key(w, "prefetch");
  tb_jw_begin_object(w);
  tb_jw_key(w, "predictor"); tb_jw_str(w, s->predictor ? s->predictor->name : "none");
  int_member(w, "depth", s->prefetch_depth);
  tb_jw_end_object(w);
  tb_jw_key(w, "pin");
  tb_jw_begin_object(w);
  int_member(w, "top_n", s->pin_top_n);
  int_member(w, "window", s->pin_window);
  tb_jw_end_object(w);
  tb_jw_key(w, "cells");
  tb_jw_begin_array(w);
  for (int i = 0; i < n; i++) cell_json(w, &cells[i], rt->layers);
  tb_jw_end_array(w);
  tb_jw_end_object(w);
}
