// Synthetic routing as the engine materialises it for a run (tb_routing_write: the same C path
// as tb_open), read back as a Trace — so statistics and calibration see exactly what runs see.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../ffi/engine.ts";
import type { KeyValue } from "../../ffi/describe.ts";
import { check, cstr } from "../../ffi/library.ts";
import { readTrace, type Trace } from "./trace-file.ts";

/** Engine keys (model.preset or model.* geometry, routing.*) → tokens × layers × K routing. */
export function engineRouting(keys: Record<string, KeyValue>, tokens: number): Trace {
  const dir = mkdtempSync(join(tmpdir(), "tb-routing-"));
  const engine = new Engine();
  try {
    engine.setAll(keys).set("run.tokens", tokens);
    const file = join(dir, "routing.tbtrace");
    check(engine.lib, engine.lib.sym.tb_routing_write(engine.handle, cstr(file, "path")), "tb_routing_write");
    return readTrace(file);
  } finally {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the routing a configuration describes to `file` (recording what a run used). */
export function recordRouting(keys: Record<string, KeyValue>, tokens: number, file: string): void {
  const engine = new Engine();
  try {
    engine.setAll(keys).set("run.tokens", tokens);
    check(engine.lib, engine.lib.sym.tb_routing_write(engine.handle, cstr(file, "path")), "tb_routing_write");
  } finally {
    engine.close();
  }
}
