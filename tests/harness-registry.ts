// The engine registry the harness tests validate against.
import { readFileSync } from "node:fs";
import path from "node:path";
import { registryFromDescription, type Registry } from "../harness/engine/registry.ts";

export function testRegistry(): Registry {
  return registryFromDescription(JSON.parse(readFileSync(path.join(import.meta.dir, "fixtures/describe.json"), "utf8")));
}
