// ffi-build-child.ts — run by ffi-build.test.ts as a separate process: loads the engine library
// (building it into $TIERBENCH_BUILD_DIR when needed) and prints what it loaded as one JSON line.
import { statSync } from "node:fs";
import { loadLibrary } from "../ffi/library.ts";

const lib = loadLibrary();
console.log(JSON.stringify({ abi: lib.abi, path: lib.path, inode: statSync(lib.path).ino }));
