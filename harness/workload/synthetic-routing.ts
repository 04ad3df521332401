// Routing through the engine's own C path (tb_routing_write): the synthetic routing a configuration
// materialises, read back as a Trace so statistics and calibration see exactly what runs see; and
// the routing an open run uses, recorded as a binary trace for exact replay.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../ffi/engine.ts";
import type { KeyValue } from "../../ffi/describe.ts";
import { check, cstr } from "../../ffi/library.ts";
import { readTrace, type Trace } from "./trace-file.ts";

/** Writes the engine's routing to `file`: after open, the run's own (a recording); before, what
 *  its configuration describes. */
export function writeRouting(engine: Engine, file: string): void {
  check(engine.lib, engine.lib.sym.tb_routing_write(engine.handle, cstr(file, "path")), "tb_routing_write");
}

/** Engine keys (model.preset or model.* geometry, routing.*) → tokens × layers × K routing. */
export function engineRouting(keys: Record<string, KeyValue>, tokens: number): Trace {
  const dir = mkdtempSync(join(tmpdir(), "tb-routing-"));
  const engine = new Engine();
  try {
    const file = join(dir, "routing.tbtrace");
    writeRouting(engine.setAll(keys).set("run.tokens", tokens), file);
    return readTrace(file);
  } finally {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
