// An input error located in an experiment file ("file:line:col: key.path: message"), and the
// error that carries a list of them out of validation.

export type Path = (string | number)[];

export interface Diagnostic {
  file: string;
  line?: number;             // 1-based
  col?: number;              // 1-based
  path: Path;                // key path in the document; [] for the whole file
  message: string;           // what is wrong and what would be valid
}

/** "compare[0].published", "variants.trust-os.cache.policy" */
export function formatPath(path: Path): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.col ?? 1}`;
  const key = d.path.length > 0 ? `${formatPath(d.path)}: ` : "";
  return `${where}: ${key}${d.message}`;
}

export class ExperimentError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
    this.name = "ExperimentError";
  }
}
