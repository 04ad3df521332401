// Byte sizes as people write them in experiment files ("9.8GB", "512 MiB", "1e9", 4096)
// and back to text. Decimal units are powers of 1000, binary units powers of 1024.

const UNITS: Record<string, number> = {
  B: 1,
  kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12,
  KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40,
};

export const SIZE_UNITS = Object.keys(UNITS);

// A number, optional blanks, an optional unit. The number accepts exponents ("1e9").
const SIZE_RE = /^([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)$/;

export class SizeError extends Error {}

/** Bytes (a whole number) of a size written as text or as a plain number of bytes. */
export function parseSize(input: string | number): number {
  if (typeof input === "number") return checked(input, String(input));
  const m = SIZE_RE.exec(input.trim());
  if (!m) throw new SizeError(`"${input}" is not a size; write a number with an optional unit, e.g. "9.8GB", "512MiB" or 4096`);
  const [, num, unit = ""] = m;
  const factor = unit === "" ? 1 : UNITS[unit];
  if (factor === undefined)
    throw new SizeError(`"${input}": unknown unit "${unit}"; units are ${SIZE_UNITS.join(", ")}`);
  return checked(Number(num) * factor, input);
}

function checked(bytes: number, text: string): number {
  if (!Number.isFinite(bytes) || bytes < 0) throw new SizeError(`"${text}" is not a size: it must be a finite number ≥ 0`);
  if (bytes > Number.MAX_SAFE_INTEGER) throw new SizeError(`"${text}" is too large (more than 2^53 bytes)`);
  return Math.round(bytes);
}

/** Decimal text with three significant digits: 9800000000 → "9.80 GB", 512 → "512 B". */
export function formatSize(bytes: number): string {
  const steps: [number, string][] = [[1e12, "TB"], [1e9, "GB"], [1e6, "MB"], [1e3, "kB"]];
  for (const [factor, unit] of steps)
    if (Math.abs(bytes) >= factor) return `${(bytes / factor).toPrecision(3)} ${unit}`;
  return `${Math.round(bytes)} B`;
}
