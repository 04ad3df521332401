// One sentence per variant: its largest part of the time per token with that part's share, and
// how close it runs to the ceiling that part answers to (I/O parts to the I/O ceiling at its hit
// rates, compute parts to the compute ceiling) and to the bound of its pipeline.

import type { Ceiling, CeilingId } from "./ceilings.ts";
import type { Decomposition, PartId } from "./decompose.ts";

const IO_PARTS: ReadonlySet<PartId> = new Set(["device", "ioInefficiency", "pageCache", "prefetch"]);

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

export function variantVerdict(d: Decomposition, cs: readonly Ceiling[], exec: "serial" | "overlapped"): string {
  const top = [...d.parts].sort((a, b) => b.s - a.s)[0]!;
  const ms = (d.totalS * 1e3).toFixed(3);
  const against: [CeilingId, string][] = [];
  if (top.id !== "remainder") against.push(IO_PARTS.has(top.id) ? ["ioAtSources", "the I/O ceiling at its hit rates"] : ["compute", "the compute ceiling"]);
  against.push([exec, `the ${exec} bound`]);
  const reached: string[] = [];
  const unbounded: string[] = [];
  for (const [id, what] of against) {
    const c = cs.find((x) => x.id === id);
    if (!c || c.ratio === null) continue;
    if (c.tokS === Infinity) unbounded.push(what);
    else reached.push(`${pct(c.ratio)} of ${what}`);
  }
  const clauses = [
    top.id === "remainder" ? `the named parts explain only ${pct(1 - top.share)} of the time` : "",
    reached.length ? `it runs at ${reached.join(" and ")}` : "",
    unbounded.length ? `${unbounded.join(" and ")} ${unbounded.length > 1 ? "do" : "does"} not bound it (at the profile's rates its reads cost nothing)` : "",
  ].filter(Boolean);
  return `${d.label}: ${top.label} is the largest part, ${pct(top.share)} of ${ms} ms per token${clauses.length ? `; ${clauses.join("; ")}` : ""}.`;
}
