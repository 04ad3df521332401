// Field checks shared by the text converters: each failure names the file, line and field and
// says what a valid value looks like.

import { TraceError } from "./trace-error.ts";

export function intField(v: unknown, name: string, file: string, line: number): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
    throw new TraceError(file, line, `"${name}" must be an integer >= 0, got ${JSON.stringify(v)}`);
  return n;
}

export function numberList(v: unknown, name: string, file: string, line: number, integers: boolean): number[] {
  const what = integers ? "integer expert ids" : "numbers";
  if (!Array.isArray(v) || v.length === 0)
    throw new TraceError(file, line, `"${name}" must be a non-empty array of ${what}, got ${JSON.stringify(v)}`);
  return v.map((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x) || (integers && !Number.isInteger(x)))
      throw new TraceError(file, line, `"${name}"[${i}] must be ${integers ? "an integer expert id" : "a number"}, got ${JSON.stringify(x)}`);
    return x;
  });
}

/** The largest expert id in the rows + 1: the expert count when none is given. */
export function inferExperts(rows: { experts: number[] }[]): number {
  return rows.reduce((m, r) => Math.max(m, ...r.experts), -1) + 1;
}
