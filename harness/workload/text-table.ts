// Plain-text tables for the terminal: right-aligned numeric columns, a rule under the header.

export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const pct = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? "-" : `${(100 * x).toFixed(digits)}%`;
export const num = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? "-" : x.toFixed(digits);
