// Hit rate against application-cache capacity, every simulated policy with OPT (the bound)
// dashed — the simulator's miss-ratio curves (harness/sim) — with each measured configuration
// drawn on top as a cross at its own capacity, so simulation and measurement can be compared.

import type { ChartConfiguration } from "chart.js";
import type { RunRecord } from "../results/run-record.ts";
import { median } from "../results/summary-stats.ts";
import { mrcCharts } from "../sim/mrc-chart.ts";
import { simRows } from "../sim/sim-rows.ts";
import type { StoredSimulation } from "../report/report-data.ts";
import type { ChartGroup, ChartSpec } from "./chart-group.ts";

const MEASURED = "#e8590c";

/** Median over a configuration's ok runs of a ratio of two engine counters. */
function measuredRatio(records: readonly RunRecord[], config: string, num: (s: Record<string, number>) => number, den: string): number | null {
  const v = records
    .filter((r) => r.run.variant === config && r.status === "ok" && r.samples)
    .flatMap((r) => {
      const s = r.samples!.stats;
      return (s[den] ?? 0) > 0 ? [num(s) / s[den]!] : [];
    });
  return v.length ? median(v) : null;
}

export function hitRateCharts(sim: StoredSimulation | null, records: readonly RunRecord[]): ChartGroup {
  const group = { id: "hit-rate", title: "Hit rate against cache capacity, with OPT",
    caption: "Simulated hit rate per policy and application-cache size (OPT, the bound for any cache of that size, dashed black), from the simulation stored beside this result set; crosses are this result set's measured runs at their own capacity." };
  if (!sim) return { ...group, charts: [], missing: "no simulation is stored beside this result set: `bun run simulate <experiment file>` writes one, then `bun run report` draws it" };
  const charts: ChartSpec[] = [];
  for (const { group: g, result } of sim.record.groups) {
    const rows = simRows(g, result);
    const sized = rows.filter((r) => r.policy !== "none").map((r) => r.entries_per_cache);
    const leftmost = sized.length ? Math.min(...sized) : 0;
    for (const [i, chart] of mrcCharts(g, rows).entries()) {
      const memory = i === 1; // mrcCharts: application cache first, then application + page cache
      const points = g.points.flatMap((p) => {
        if (p.policy === "none" && !memory) return []; // keeps nothing: no application-cache hit rate
        const y = memory
          ? measuredRatio(records, p.config, (s) => (s.app_cache_bytes ?? 0) + (s.page_cache_bytes ?? 0), "requested_bytes")
          : measuredRatio(records, p.config, (s) => s.app_hits ?? 0, "requests");
        const cell = result.cells.find((c) => c.policy === p.policy && c.entries === p.entries);
        return y === null ? [] : [{ x: p.policy === "none" ? leftmost : (cell?.capacity ?? p.entries), y: 100 * y, config: p.config }];
      });
      const config = chart.config as ChartConfiguration<"line">;
      if (points.length)
        config.data.datasets.push({
          label: `measured (${points.map((p) => p.config).join(", ")})`,
          data: points.map(({ x, y }) => ({ x, y })),
          borderColor: MEASURED, backgroundColor: MEASURED, showLine: false,
          pointStyle: "crossRot", pointRadius: 9, pointBorderWidth: 3,
        });
      charts.push({ id: `hit-rate-${chart.id}`, title: chart.title, config: config as ChartSpec["config"], size: { width: 900, height: 500 } });
    }
  }
  if (charts.length === 0) return { ...group, charts, missing: `the stored simulation (${sim.dir}) has no groups` };
  return { ...group, caption: `${group.caption} Simulation: ${sim.dir}.`, charts };
}
