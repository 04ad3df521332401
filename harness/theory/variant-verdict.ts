// One sentence per variant: its largest part of the time per token with that part's share, and
// how close it runs to the ceiling that part answers to (I/O parts to the I/O ceiling at its hit
// rates, compute parts to the compute ceiling) and to the bound of its pipeline.

import type { Ceiling, CeilingId } from "./ceilings.ts";
import type { Decomposition, PartId } from "./decompose.ts";

const IO_PARTS: ReadonlySet<PartId> = new Set(["device", "ioInefficiency", "pageCache", "prefetch"]);

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

export function variantVerdict(d: Decomposition, cs: readonly Ceiling[], exec: "serial" | "overlapped"): string {
  const ranked = [...d.parts].sort((a, b) => b.s - a.s);
  const top = ranked[0]!;
  const ms = (d.totalS * 1e3).toFixed(3);
  const byId = (id: CeilingId) => cs.find((c) => c.id === id);
  const against = (id: CeilingId, what: string) => {
    const c = byId(id);
    if (!c || c.ratio === null) return null;
    return c.tokS === Infinity ? `${what} does not bound it (nothing read)` : `it runs at ${pct(c.ratio)} of ${what}`;
  };
  const ceilingText = top.id === "remainder"
    ? `the named parts explain only ${pct(1 - top.share)} of the time`
    : (IO_PARTS.has(top.id) ? against("ioAtSources", "the I/O ceiling at its hit rates") : against("compute", "the compute ceiling")) ?? "no ceiling for it could be computed";
  const bound = against(exec, `the ${exec} bound`);
  return `${d.label}: ${top.label} is the largest part, ${pct(top.share)} of ${ms} ms per token; ${ceilingText}${bound ? `, and ${bound.replace(/^it runs at /, "")}` : ""}.`;
}
