// Chart.js plugins shared by the PNG and HTML renderers: min–max or interval whiskers over bars
// and points, shaded token regions, and an opaque background so PNGs read the same anywhere.
// Each hook uses only its arguments and the chart's options, so the HTML report can inline it
// from its source text (harness/report/html/inline-plugins.ts).

import type { Chart, Plugin } from "chart.js";

/** Per-element [min, max] ranges, carried on a dataset as `whiskers` (data units). */
export interface WhiskerDataset { whiskers?: ({ min: number; max: number } | null)[] }

export const whiskersPlugin: Plugin = {
  id: "tierbenchWhiskers",
  afterDatasetsDraw(chart: Chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((ds, di) => {
      const ranges = (ds as { whiskers?: ({ min: number; max: number } | null)[] }).whiskers;
      const meta = chart.getDatasetMeta(di);
      if (!ranges || meta.hidden) return;
      const y = chart.scales[meta.yAxisID ?? "y"]!;
      const a = chart.chartArea;
      ctx.save();
      ctx.beginPath();
      ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
      ctx.clip(); // an interval beyond the axis is cut at its edge, not drawn over the title
      ctx.strokeStyle = "#222";
      ctx.lineWidth = 1.5;
      meta.data.forEach((el, i) => {
        const r = ranges[i];
        if (!r) return;
        const { x, width } = el.getProps(["x", "width"], true) as { x: number; width?: number };
        // bars: a quarter of the bar; points (no width): a fixed cap
        const cap = typeof width === "number" && Number.isFinite(width) ? Math.max(4, width / 4) : 5;
        const [top, bottom] = [y.getPixelForValue(r.max), y.getPixelForValue(r.min)];
        ctx.beginPath();
        ctx.moveTo(x, top), ctx.lineTo(x, bottom);
        ctx.moveTo(x - cap, top), ctx.lineTo(x + cap, top);
        ctx.moveTo(x - cap, bottom), ctx.lineTo(x + cap, bottom);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

/** Token regions on an x axis of token indices: `options.plugins.tierbenchRegions`. */
export interface RegionsOptions {
  warmupEnd?: number | null;     // tokens before this are warm-up (shaded)
  steadyStart?: number | null;   // steady state from this token on (a dashed line)
}

export const regionsPlugin: Plugin = {
  id: "tierbenchRegions",
  beforeDatasetsDraw(chart: Chart) {
    const o = (chart.options.plugins as Record<string, RegionsOptions | undefined>).tierbenchRegions;
    if (!o) return;
    const { ctx, chartArea: a } = chart;
    const x = chart.scales.x!;
    ctx.save();
    ctx.font = "12px sans-serif";
    if (typeof o.warmupEnd === "number" && o.warmupEnd > 0) {
      const end = Math.min(a.right, x.getPixelForValue(o.warmupEnd));
      ctx.fillStyle = "rgba(215, 155, 0, 0.15)";
      ctx.fillRect(a.left, a.top, end - a.left, a.bottom - a.top);
      ctx.fillStyle = "#8a6400";
      ctx.fillText("warm-up", a.left + 4, a.top + 14);
    }
    if (typeof o.steadyStart === "number") {
      const at = x.getPixelForValue(o.steadyStart);
      ctx.strokeStyle = "#2e7d32";
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(at, a.top), ctx.lineTo(at, a.bottom);
      ctx.stroke();
      ctx.fillStyle = "#2e7d32";
      ctx.fillText("steady state", at + 4, a.top + 28);
    }
    ctx.restore();
  },
};

export const backgroundPlugin: Plugin = {
  id: "tierbenchBackground",
  beforeDraw(chart: Chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = "#ffffff"; // a literal, not a constant: the hook is inlined into report.html
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Every plugin a chart configuration may name; the HTML report inlines exactly these. */
export const CHART_PLUGINS = [backgroundPlugin, whiskersPlugin, regionsPlugin] as const;
