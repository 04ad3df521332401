// The engine registry the harness tests validate against: the compiled engine's own
// (the binding builds the library when it is missing or stale).
import { engineRegistry } from "../harness/engine/load-registry.ts";

export const testRegistry = engineRegistry;
