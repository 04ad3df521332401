// The geometry of a compiled preset, by name, as the engine describes it.

import { describe, type Geometry } from "../../ffi/index.ts";

export function presetGeometry(preset: string): Geometry {
  const p = describe().presets.find((x) => x.name === preset);
  if (!p) throw new Error(`preset ${preset} is not in this engine`);
  return p.geometry;
}
