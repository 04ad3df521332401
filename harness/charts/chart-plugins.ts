// Chart.js plugins shared by the PNG and (later) the HTML renderers: min–max whiskers over
// bars, and an opaque background so that PNGs read the same in any viewer.

import type { Chart, Plugin } from "chart.js";

/** Per-bar [min, max] ranges, carried on a dataset as `whiskers`. */
export interface WhiskerDataset { whiskers?: ({ min: number; max: number } | null)[] }

export const whiskersPlugin: Plugin<"bar"> = {
  id: "tierbenchWhiskers",
  afterDatasetsDraw(chart: Chart<"bar">) {
    const { ctx } = chart;
    chart.data.datasets.forEach((ds, di) => {
      const ranges = (ds as WhiskerDataset).whiskers;
      const meta = chart.getDatasetMeta(di);
      if (!ranges || meta.hidden) return;
      const y = chart.scales[meta.yAxisID ?? "y"]!;
      ctx.save();
      ctx.strokeStyle = "#222";
      ctx.lineWidth = 1.5;
      meta.data.forEach((bar, i) => {
        const r = ranges[i];
        if (!r) return;
        const { x, width } = bar.getProps(["x", "width"], true) as { x: number; width: number };
        const cap = Math.max(4, width / 4);
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

export const BACKGROUND = "#ffffff";

export const backgroundPlugin: Plugin = {
  id: "tierbenchBackground",
  beforeDraw(chart: Chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};
