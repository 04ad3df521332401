// The engine registry the harness tests validate against.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseDescription } from "../ffi/index.ts";
import { registryFromDescription, type Registry } from "../harness/engine/registry.ts";

export function testRegistry(): Registry {
  return registryFromDescription(parseDescription(readFileSync(path.join(import.meta.dir, "fixtures/describe.json"), "utf8")));
}
