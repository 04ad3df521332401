// The terminal view of a simulation: per group, hit rate by policy (rows) and capacity
// (columns) for the application cache alone and for memory as a whole (application cache +
// page-cache model), then each configuration's own cell. Pure: rows in, text out.
import { formatSize } from "../util/sizes.ts";
import { renderTable } from "../util/table.ts";
import type { SimGroup } from "./sim-groups.ts";
import type { SimRow } from "./sim-rows.ts";

const pct = (x: number | null) => (x === null ? "—" : (100 * x).toFixed(1));

/** Policies in a stable order: OPT first (the bound), then as the rows list them. */
export function policyOrder(rows: SimRow[]): string[] {
  const names = [...new Set(rows.map((r) => r.policy))];
  return [...names.filter((p) => p === "opt"), ...names.filter((p) => p !== "opt")];
}

function grid(rows: SimRow[], value: (r: SimRow) => number | null): string {
  const sizes = [...new Set(rows.filter((r) => r.policy !== "none").map((r) => r.entries_per_cache))].sort((a, b) => a - b);
  const body = policyOrder(rows).map((p) => {
    const mine = rows.filter((r) => r.policy === p);
    // `none` keeps nothing: one value, the same beside every size of the others
    const at = (s: number) => (p === "none" ? mine[0] : mine.find((r) => r.entries_per_cache === s));
    return [p, ...sizes.map((s) => {
      const r = at(s);
      return r ? pct(value(r)) : "—";
    })];
  });
  return renderTable(["policy", ...sizes.map(String)], body);
}

export function renderSimTable(g: SimGroup, rows: SimRow[], tokens: number): string {
  const pc = rows[0]?.pagecache_model ?? "off";
  const out = [
    `${g.id}: ${g.configs.join(", ")}`,
    `  ${g.scope} cache${g.caches > 1 ? ` (×${g.caches})` : ""}, io.direct ${g.direct}, page cache ${pc === "off" ? "not modelled" :
      `${pc} over ${formatSize(g.pageCacheBytes)} less the application cache`}, warm-up ${g.warmup} of ${tokens} tokens`,
    "",
    "application-cache hit rate, % — entries per cache →",
    grid(rows, (r) => r.app_hit_ratio),
  ];
  if (pc !== "off") out.push("", "memory hit rate (application cache + page cache), % of requested bytes — OPT bounds the",
    "application cache alone; beside a page cache holding the same records it can be beaten",
    grid(rows, (r) => r.memory_hit_ratio));
  const own = g.points.map((p) => {
    const r = rows.find((x) => x.policy === p.policy && x.entries_per_cache === p.entries);
    const note = p.note ?? "";
    if (!r) return [p.config, p.policy, String(p.entries), "—", "—", "—", note];
    return [p.config, p.policy, String(r.entries_per_cache), pct(r.app_hit_ratio), pct(r.memory_hit_ratio), formatSize(r.device_bytes), note];
  });
  out.push("", renderTable(["configuration", "policy", "entries", "app hit %", "memory hit %", "device bytes", ""], own));
  return out.join("\n");
}
