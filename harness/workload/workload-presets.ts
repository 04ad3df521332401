// Named synthetic workloads: engine routing.* settings for a geometry preset, chosen by the
// calibration (workload-presets.json is written by `bun run trace calibrate`, reviewed, committed).

import type { KeyValue } from "../../ffi/describe.ts";
import presetsFile from "./workload-presets.json" with { type: "json" };
import type { FixedParams, WorkloadParams } from "./calibrate.ts";
import { FLASH_MOE_QWEN, type CalibrationTarget } from "./calibration-targets.ts";

export interface WorkloadPreset {
  description: string;
  model: string; // geometry preset (model.preset)
  tokens: number; // default length: the calibration's
  params: WorkloadParams & FixedParams & { seed: number };
  target: string | null; // name of the calibration target it reproduces, if any
  calibration?: unknown; // what the search found (figures, evaluations, date), for the record
}

export const TARGETS: Record<string, CalibrationTarget> = { "flash-moe-qwen3.5-397b": FLASH_MOE_QWEN };

export const WORKLOAD_PRESETS = presetsFile.presets as Record<string, WorkloadPreset>;

/** The engine keys of a preset: its geometry and every routing.* parameter. */
export function presetKeys(p: Pick<WorkloadPreset, "model" | "params">): Record<string, KeyValue> {
  const { seed, ...rest } = p.params;
  const keys: Record<string, KeyValue> = { "model.preset": p.model, "routing.source": "synthetic", "routing.seed": seed };
  for (const [name, value] of Object.entries(rest)) keys[`routing.${name}`] = value;
  return keys;
}
