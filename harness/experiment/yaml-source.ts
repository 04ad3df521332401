// An experiment file parsed with the yaml library, keeping the document's source ranges so
// that any key path can be turned back into a line and column for error messages.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Diagnostic, Path } from "./diagnostic.ts";

export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  data: unknown;             // the document as plain JS values
}

export type Parsed = { ok: true; source: YamlSource } | { ok: false; diagnostics: Diagnostic[] };

export function parseYaml(text: string, file: string): Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, path: [], message: `YAML syntax: ${e.message.split("\n")[0]}` };
      }),
    };
  }
  return { ok: true, source: { file, doc, lines, data: doc.toJS() ?? {} } };
}

/** Line and column of `path`: its value node, or with `key` its key; where the path leaves the
 *  document (a missing key), the deepest key that exists. */
export function locate(src: YamlSource, path: Path, key = false): { line: number; col: number } {
  let node: unknown = src.doc.contents;
  let at: Node | null = node as Node | null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      const last = i === path.length - 1;
      // Inner segments point at their key, so a missing child is reported at its parent.
      at = (last && !key && pair.value ? pair.value : pair.key) as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg]) {
      node = node.items[seg];
      at = node as Node;
    } else break;
  }
  const offset = at?.range?.[0] ?? 0;
  return src.lines.linePos(offset);
}
