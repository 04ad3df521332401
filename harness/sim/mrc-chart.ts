// Miss-ratio curves as Chart.js line charts (rendered to PNG by harness/charts): hit rate
// against application-cache size, one line per policy with OPT (the bound) dashed, for the
// application cache alone and — with a page-cache model — for memory as a whole, where `none`
// ("trust the OS") is a level line. Pure: rows in, chart configurations out.
import type { ChartConfiguration } from "chart.js";
import { backgroundPlugin } from "../charts/chart-plugins.ts";
import type { SimGroup } from "./sim-groups.ts";
import type { SimRow } from "./sim-rows.ts";
import { policyOrder } from "./sim-table.ts";

export interface MrcChart {
  id: string;                                  // file stem
  title: string;
  config: ChartConfiguration<"line">;
}

const PALETTE = ["#2f6db5", "#d79b00", "#82b366", "#b85450", "#7e6bb0", "#6c8ebf", "#b5739d", "#8a8f98"];
const OPT = "#000000";

function curve(g: SimGroup, rows: SimRow[], value: (r: SimRow) => number, title: string, yTitle: string,
  optLabel: string): ChartConfiguration<"line"> {
  const sized = rows.filter((r) => r.policy !== "none");
  const xs = sized.map((r) => r.entries_per_cache);
  const [lo, hi] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let color = 0;
  const datasets = policyOrder(rows).map((p) => {
    const mine = rows.filter((r) => r.policy === p).sort((a, b) => a.entries_per_cache - b.entries_per_cache);
    // `none` keeps nothing, so its one value spans the x range as a level line
    const data = p === "none" ? [lo, hi].map((x) => ({ x, y: 100 * value(mine[0]!) }))
                              : mine.map((r) => ({ x: r.entries_per_cache, y: 100 * value(r) }));
    const c = p === "opt" ? OPT : PALETTE[color++ % PALETTE.length]!;
    return { label: p === "opt" ? optLabel : p, data, borderColor: c, backgroundColor: c, borderWidth: 2,
             pointRadius: p === "none" ? 0 : 3, borderDash: p === "opt" ? [6, 4] : p === "none" ? [2, 3] : [] };
  });
  return {
    type: "line",
    data: { datasets },
    options: {
      animation: false, responsive: false, devicePixelRatio: 1,
      plugins: { title: { display: true, text: title }, legend: { position: "bottom" } },
      scales: {
        x: { type: lo > 0 && hi / lo >= 8 ? "logarithmic" : "linear",
             title: { display: true, text: `application cache, entries per cache (${g.scope}${g.caches > 1 ? ` ×${g.caches}` : ""})` } },
        y: { min: 0, max: 100, title: { display: true, text: yTitle } },
      },
    },
    plugins: [backgroundPlugin],
  };
}

export function mrcCharts(g: SimGroup, rows: SimRow[]): MrcChart[] {
  const name = g.configs.join(", ");
  const charts: MrcChart[] = [{
    id: `${g.id}-app-hit-rate`, title: `application-cache hit rate by policy and size — ${name}`,
    // `none` keeps nothing: it would only draw a line along zero here
    config: curve(g, rows.filter((r) => r.policy !== "none"), (r) => r.app_hit_ratio,
      `application-cache hit rate — ${name}`, "hit rate, % of requests", "opt (bound)"),
  }];
  if (rows[0]?.pagecache_model !== "off")
    charts.push({
      id: `${g.id}-memory-hit-rate`, title: `application cache + page cache (${rows[0]!.pagecache_model} model) — ${name}`,
      config: curve(g, rows, (r) => r.memory_hit_ratio,
        `served from memory: application cache + page-cache model (${rows[0]!.pagecache_model}) — ${name}`,
        "hit rate, % of requested bytes", "opt (its own bound only)"),
    });
  return charts;
}
