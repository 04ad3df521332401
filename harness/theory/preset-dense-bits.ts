// The dense weights' bit width of a compiled geometry preset, for runs that left it at "the
// preset's" (-1): presets are constants of the engine's code, like the report's own code.

import { describe } from "../../ffi/index.ts";

let byPreset: Map<string, number> | null | undefined;

/** Null when the preset is unknown or the engine library cannot be loaded here. */
export function presetDenseBits(preset: string): number | null {
  if (byPreset === undefined) {
    try {
      byPreset = new Map(describe().presets.map((p) => [p.name, p.geometry.dense_bits]));
    } catch {
      byPreset = null;
    }
  }
  return byPreset?.get(preset) ?? null;
}
