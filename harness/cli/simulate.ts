// `bun run simulate` — trace-driven cache simulation (hit rates, the OPT bound) without I/O.
// Not part of this build yet.
console.error("bun run simulate: the cache simulator is not part of this build yet");
process.exitCode = 2;
