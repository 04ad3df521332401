// library.ts — loads the engine library (building it first when missing or stale) and refuses a
// library whose ABI version differs from the one ffi/symbols.ts was written for.
import { CString, dlopen, type Pointer } from "bun:ffi";
import { resolve } from "node:path";
import { ensureLibrary, type BuildOptions } from "./build.ts";
import { TbError } from "./status.ts";
import { symbols, TB_ABI_VERSION } from "./symbols.ts";

export type EngineSymbols = ReturnType<typeof dlopen<typeof symbols>>["symbols"];

export interface LoadOptions extends BuildOptions {
  /** A library file to load as is (no build). */
  path?: string;
  /** The ABI version to insist on; default TB_ABI_VERSION (tests inject others). */
  expectedAbi?: number;
}

export interface Library {
  path: string;
  abi: number;
  sym: EngineSymbols;
}

const loaded = new Map<string, Library>();

export function loadLibrary(o: LoadOptions = {}): Library {
  const path = resolve(o.path ?? ensureLibrary(o));
  const expected = o.expectedAbi ?? TB_ABI_VERSION;
  let lib = loaded.get(path);
  if (!lib) {
    let handle: ReturnType<typeof dlopen<typeof symbols>>;
    try {
      handle = dlopen(path, symbols);
    } catch (e) {
      throw new Error(`cannot load the engine library ${path}: ${(e as Error).message}. ` +
        `Rebuild it with make -C engine-c (or delete it: the binding rebuilds a missing library).`);
    }
    lib = { path, abi: handle.symbols.tb_abi_version(), sym: handle.symbols };
    loaded.set(path, lib);
  }
  if (lib.abi !== expected) {
    throw new Error(
      `engine ABI mismatch: ${path} has ABI version ${lib.abi}, but this binding (ffi/symbols.ts) expects ` +
        `${expected}. Rebuild the engine (make -C engine-c clean all), and if tierbench.h's TB_ABI_VERSION ` +
        `changed on purpose, update ffi/symbols.ts to match it.`,
    );
  }
  return lib;
}

let defaultLib: Library | undefined;

/** The library every Engine uses unless given another. */
export function library(): Library {
  defaultLib ??= loadLibrary();
  return defaultLib;
}

/** NUL-terminated UTF-8 copy of s for a `const char *` argument (valid for the call only). */
export function cstr(s: string, what = "string"): Buffer {
  if (s.includes("\0")) throw new Error(`${what}: contains a NUL character`);
  return Buffer.from(`${s}\0`, "utf8");
}

/** A pointer return as Bun gives it (typed Pointer | bigint | null), as a Pointer or null. */
export function asPointer(p: Pointer | bigint | null): Pointer | null {
  if (p === null || p === 0 || p === 0n) return null;
  return (typeof p === "bigint" ? Number(p) : p) as Pointer;
}

/** The C string a `const char *` return points at, or null for NULL. */
export function readCString(p: Pointer | bigint | null): string | null {
  const at = asPointer(p);
  return at === null ? null : new CString(at).toString();
}

export function lastError(lib: Library): string {
  return readCString(lib.sym.tb_last_error()) ?? "";
}

/** Throw a TbError for a negative status; return non-negative ones. */
export function check(lib: Library, rc: number, call: string): number {
  if (rc < 0) throw new TbError(rc, call, lastError(lib));
  return rc;
}
