// The compiled engine's registry, through the bun:ffi binding (which builds the library when
// it is missing or stale). Loaded once per process.
import { describe } from "../../ffi/index.ts";
import { registryFromDescription, type Registry } from "./registry.ts";

let cached: Registry | undefined;

export function engineRegistry(): Registry {
  cached ??= registryFromDescription(describe());
  return cached;
}
