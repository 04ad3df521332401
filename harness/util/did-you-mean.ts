// Close matches for a mistyped name ("cache.polcy" → "cache.policy"), for error messages.
// Edit distance (Levenshtein) with a cut-off that grows with the name's length.

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Up to `max` candidates within edit distance max(2, ⌊|name|/3⌋), closest first.
 *  A candidate that ends with the name after a dot ("threads" → "io.threads") also counts. */
export function closeMatches(name: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored: [number, string][] = [];
  for (const c of candidates) {
    const d = c.endsWith(`.${name}`) ? 1 : editDistance(name.toLowerCase(), c.toLowerCase());
    if (d <= limit) scored.push([d, c]);
  }
  scored.sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]));
  return scored.slice(0, max).map(([, c]) => c);
}

/** " (did you mean a or b?)", or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const m = closeMatches(name, candidates);
  if (m.length === 0) return "";
  const quoted = m.map((x) => `"${x}"`);
  return ` (did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`}?)`;
}
