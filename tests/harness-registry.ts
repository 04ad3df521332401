// The engine registry the harness tests validate against: the compiled engine's own. Loaded
// when this module is imported, outside any test's time limit, because the binding first
// (re)builds the engine library when it is missing or stale.
import { engineRegistry } from "../harness/engine/load-registry.ts";
import type { Registry } from "../harness/engine/registry.ts";

const registry = engineRegistry();

export const testRegistry = (): Registry => registry;
