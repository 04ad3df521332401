// `bun run probe` — measure this machine's ceilings into its machine profile. The full probe
// is not part of this build; experiments run the quick probe (device reads) themselves.
console.error("bun run probe: the full machine probe is not part of this build yet; running an experiment probes device reads for its record size");
process.exitCode = 2;
