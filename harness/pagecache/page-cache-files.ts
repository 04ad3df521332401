// The model's files as the page cache holds them, through the engine's page-cache primitives
// (engine-c/src/api/api_pagecache.c): drop a file's pages, measure its resident bytes (mincore),
// pre-read it. Sizes are bytes.

import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { check, cstr, library, type Library } from "../../ffi/library.ts";

export interface FileResidency {
  name: string;
  bytes: number;
  residentBytes: number;
}

export interface ModelResidency {
  bytes: number;
  residentBytes: number;
  files: FileResidency[];
}

/** The files whose pages make up the model: the layer files, then resident.bin. Pre-reading
 * in this order leaves the resident weights — read by every token — cached last, so a budget
 * smaller than the model keeps them. */
export function modelFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`model directory ${dir} does not exist`);
  const layers = readdirSync(dir).filter((f) => /^layer_\d+\.bin$/.test(f)).sort();
  if (layers.length === 0) throw new Error(`${dir}: no layer_XX.bin files — not a tierbench model directory`);
  return [...layers, ...(existsSync(join(dir, "resident.bin")) ? ["resident.bin"] : [])].map((f) => join(dir, f));
}

export function dropFile(path: string, lib: Library = library()): void {
  check(lib, lib.sym.tb_pagecache_drop(cstr(path, "path")), "tb_pagecache_drop");
}

export function residentBytes(path: string, lib: Library = library()): number {
  const out = new Float64Array(1);
  check(lib, lib.sym.tb_pagecache_resident(cstr(path, "path"), out), "tb_pagecache_resident");
  return out[0]!;
}

/** Reads the whole file through the page cache; returns the bytes read. */
export function prereadFile(path: string, lib: Library = library()): number {
  const out = new Float64Array(1);
  check(lib, lib.sym.tb_pagecache_preread(cstr(path, "path"), out), "tb_pagecache_preread");
  return out[0]!;
}

export function modelResidency(dir: string, lib: Library = library()): ModelResidency {
  const files = modelFiles(dir).map((path) => ({ name: path.slice(dir.length + 1), bytes: statSync(path).size, residentBytes: residentBytes(path, lib) }));
  return { bytes: files.reduce((a, f) => a + f.bytes, 0), residentBytes: files.reduce((a, f) => a + f.residentBytes, 0), files };
}
