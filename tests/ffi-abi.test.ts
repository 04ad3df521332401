// ffi-abi.test.ts — the binding agrees with the C ABI: ffi/symbols.ts declares exactly the
// functions of tierbench.h with matching argument and return types, and a library whose ABI
// version differs from the binding's is refused with a message saying how to fix it.
import { expect, test } from "bun:test";
import { FFIType } from "bun:ffi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_DIR, library, loadLibrary, TB_ABI_VERSION } from "../ffi/index.ts";
import { symbols } from "../ffi/symbols.ts";

const header = readFileSync(join(ENGINE_DIR, "include/tierbench.h"), "utf8");

/** C prototypes of the header: name → [return type, parameter types]. */
function prototypes(): Map<string, [string, string[]]> {
  const out = new Map<string, [string, string[]]>();
  const text = header.replace(/\/\*[\s\S]*?\*\//g, "");
  for (const m of text.matchAll(/^\s*([A-Za-z_][\w\s]*?[\s*]+)(tb_\w+)\s*\(([^)]*)\);/gm)) {
    const params = m[3]!.trim() === "void" ? [] : m[3]!.split(",").map((p) => p.trim());
    out.set(m[2]!, [m[1]!.trim(), params]);
  }
  return out;
}

function ffiTypeOf(c: string): FFIType {
  if (c.includes("*")) return FFIType.ptr;
  if (/^(const\s+)?int\b/.test(c)) return FFIType.i32;
  if (/^(const\s+)?double\b/.test(c)) return FFIType.f64;
  if (c === "void") return FFIType.void;
  throw new Error(`no FFI type for C type '${c}'`);
}

test("symbols.ts declares exactly the header's functions, with matching types", () => {
  const protos = prototypes();
  expect(protos.size).toBeGreaterThan(20);
  expect(Object.keys(symbols).sort()).toEqual([...protos.keys()].sort());
  for (const [name, [ret, params]] of protos) {
    const decl = symbols[name as keyof typeof symbols];
    expect<object>({ name, returns: decl.returns }).toEqual({ name, returns: ffiTypeOf(ret) });
    // parameter type: everything but the parameter's name
    const types = params.map((p) => ffiTypeOf(p.replace(/\s*\b\w+$/, "").trim() || p));
    expect<object>({ name, args: [...decl.args] }).toEqual({ name, args: types });
  }
});

test("the binding's ABI version is the header's", () => {
  const m = header.match(/#define TB_ABI_VERSION (\d+)/);
  expect(Number(m?.[1])).toBe(TB_ABI_VERSION);
  expect(library().abi).toBe(TB_ABI_VERSION);
});

test("a library with another ABI version is refused, naming both versions and the fix", () => {
  const expected = TB_ABI_VERSION + 41;
  let message = "";
  try {
    loadLibrary({ expectedAbi: expected });
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toContain(`has ABI version ${TB_ABI_VERSION}`);
  expect(message).toContain(`expects ${expected}`);
  expect(message).toContain("make -C engine-c");
  expect(message).toContain(library().path);
});
