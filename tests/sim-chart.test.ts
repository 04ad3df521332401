// sim-chart.test.ts — the miss-ratio charts: one line per policy with OPT dashed (the bound
// only for the application cache alone), `none` a level line across the sizes in the memory
// chart and absent from the application-cache chart, a log axis over a wide range of sizes.
import { expect, test } from "bun:test";
import { mrcCharts } from "../harness/sim/mrc-chart.ts";
import type { SimGroup } from "../harness/sim/sim-groups.ts";
import type { SimRow } from "../harness/sim/sim-rows.ts";
import { renderPng } from "../harness/charts/render-png.ts";

const group = { id: "g1", configs: ["a", "b"], scope: "per-layer", caches: 4 } as SimGroup;
const row = (policy: string, entries: number, app: number, memory: number) =>
  ({ policy, entries_per_cache: entries, app_hit_ratio: app, memory_hit_ratio: memory, pagecache_model: "lru" }) as SimRow;
const rows = [
  row("lru", 4, 0.1, 0.5), row("lru", 64, 0.5, 0.55), row("opt", 4, 0.3, 0.6), row("opt", 64, 0.7, 0.7),
  row("none", 0, 0, 0.62),
];

test("application-cache and memory charts", async () => {
  const [app, memory] = mrcCharts(group, rows);
  expect(app!.id).toBe("g1-app-hit-rate");
  expect(app!.config.data.datasets.map((d) => d.label)).toEqual(["opt (bound)", "lru"]);
  expect(app!.config.data.datasets[0]!.borderDash).toEqual([6, 4]);
  expect(app!.config.data.datasets[0]!.data).toEqual([{ x: 4, y: 30 }, { x: 64, y: 70 }]);
  expect((app!.config.options!.scales!.x as { type: string }).type).toBe("logarithmic");

  expect(memory!.id).toBe("g1-memory-hit-rate");
  const none = memory!.config.data.datasets.find((d) => d.label === "none")!;
  expect(none.data).toEqual([{ x: 4, y: 62 }, { x: 64, y: 62 }]);
  expect(memory!.config.data.datasets[0]!.label).toBe("opt (its own bound only)");

  const drawn = await renderPng(memory!.config);
  expect(drawn.png.subarray(1, 4).toString()).toBe("PNG");
  expect(drawn.bars).toHaveLength(6);                  // points: 2 per line
});

test("no page-cache model, no memory chart; a narrow range of sizes keeps a linear axis", () => {
  const off = rows.filter((r) => r.policy !== "none" && r.entries_per_cache === 4)
    .map((r) => ({ ...r, pagecache_model: "off" }));
  const charts = mrcCharts(group, [...off, ...off.map((r) => ({ ...r, entries_per_cache: 6 }))]);
  expect(charts.map((c) => c.id)).toEqual(["g1-app-hit-rate"]);
  expect((charts[0]!.config.options!.scales!.x as { type: string }).type).toBe("linear");
});
