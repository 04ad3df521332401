// What the calibrated workload must reproduce: Flash-MoE's published routing measurements for
// Qwen3.5-397B-A17B (512 experts, K = 4) over a 200-token generation from a cold cache.

import type { Published } from "./stats/stats-table.ts";

export interface CalibrationTarget extends Published {
  model: string; // geometry preset
  tokens: number; // generated tokens, cold start (warm-up 0, compulsory misses included)
  tolerance: number; // allowed |measured − published| per capacity, fraction
}

export const FLASH_MOE_QWEN: CalibrationTarget = {
  label: "Flash-MoE, Qwen3.5-397B-A17B, 200 tokens from cold",
  model: "qwen3.5-397b-a17b",
  tokens: 200,
  capacities: [16, 32, 64, 128], // LRU entries per layer
  lruHitRate: [0.49, 0.59, 0.68, 0.71], // per-layer LRU hit rate at those capacities
  overlap: { min: 0.08, max: 0.34 }, // consecutive-token expert overlap, every layer within
  tolerance: 0.03,
};
