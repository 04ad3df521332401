// The error every routing-trace reader throws: it names the file and line (or byte offset)
// and says what would be valid, so the CLI can print it as-is and exit non-zero.

export class TraceError extends Error {
  constructor(
    readonly file: string,
    readonly where: number | null, // 1-based line for text files, null when the whole file is at fault
    readonly detail: string,
  ) {
    super(where === null ? `${file}: ${detail}` : `${file}:${where}: ${detail}`);
    this.name = "TraceError";
  }
}
