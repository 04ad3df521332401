// A problem found in a validated-or-not experiment, by key path; turned into a located
// Diagnostic once the YAML source is at hand.
import type { Diagnostic, Path } from "./diagnostic.ts";
import { locate, type YamlSource } from "./yaml-source.ts";

export interface Problem {
  path: Path;
  message: string;
  atKey?: boolean;           // point at the key (unknown keys) rather than its value
}

export function toDiagnostics(src: YamlSource, problems: Problem[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const p of problems) {
    const id = `${JSON.stringify(p.path)}\0${p.message}`;
    if (seen.has(id)) continue;      // one problem shared by many runs is reported once
    seen.add(id);
    const { line, col } = locate(src, p.path, p.atKey);
    out.push({ file: src.file, line, col, path: p.path, message: p.message });
  }
  return out.sort((a, b) => a.line! - b.line! || a.col! - b.col!);
}
