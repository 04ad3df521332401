// A published result as written in `compare:` — the change of b relative to a, as a value
// ("+38%"), a range ("+32%..+40%"), both ("+38% (+32%..+40%)"), or only a direction ("> 0%",
// "< 0%") — in fractions (0.38 for +38 %). The verdict judges the range.

export type Published =
  | { kind: "change"; value?: number; low: number; high: number; text: string }
  | { kind: "sign"; sign: 1 | -1; text: string };

const PCT = String.raw`([+-]?\d+(?:\.\d+)?)\s*%`;
const RANGE = String.raw`${PCT}\s*\.\.\s*${PCT}`;
const VALUE_RE = new RegExp(`^${PCT}$`);
const RANGE_RE = new RegExp(`^${RANGE}$`);
const BOTH_RE = new RegExp(`^${PCT}\\s*\\(\\s*${RANGE}\\s*\\)$`);
const SIGN_RE = /^([<>])\s*0\s*%?$/;

export class PublishedError extends Error {}

const HOW = 'write "+38%", a range "+32%..+40%", both "+38% (+32%..+40%)", or a direction "> 0%" / "< 0%"';

export function parsePublished(text: string): Published {
  const t = text.trim();
  const pct = (s: string | undefined) => Number(s) / 100;
  let m = VALUE_RE.exec(t);
  if (m) return { kind: "change", value: pct(m[1]), low: pct(m[1]), high: pct(m[1]), text: t };
  m = RANGE_RE.exec(t) ?? BOTH_RE.exec(t);
  if (m) {
    const both = m.length === 4;
    const [low, high] = both ? [pct(m[2]), pct(m[3])] : [pct(m[1]), pct(m[2])];
    if (low > high) throw new PublishedError(`"${text}": a range goes from low to high (e.g. "+32%..+40%")`);
    if (!both) return { kind: "change", low, high, text: t };
    const value = pct(m[1]);
    if (value < low || value > high) throw new PublishedError(`"${text}": the value lies outside its range`);
    return { kind: "change", value, low, high, text: t };
  }
  m = SIGN_RE.exec(t);
  if (m) return { kind: "sign", sign: m[1] === ">" ? 1 : -1, text: t };
  throw new PublishedError(`"${text}" is not a published change; ${HOW}`);
}
