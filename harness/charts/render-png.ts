// Renders a Chart.js configuration to PNG off-screen with @napi-rs/canvas (Skia), and reports
// where each bar and the plot area landed (pixels) so callers and tests can check the drawing.

import { createCanvas } from "@napi-rs/canvas";
import { Chart, registerables, type ChartConfiguration, type ChartType } from "chart.js";

Chart.register(...registerables);

export interface DrawnBar { dataset: number; index: number; x: number; y: number; base: number; width: number } // pixels

export async function renderPng<T extends ChartType = "bar">(
  config: ChartConfiguration<T>,
  size = { width: 900, height: 450 },
): Promise<{ png: Buffer; bars: DrawnBar[]; area: { top: number; bottom: number; left: number; right: number } }> {
  const canvas = createCanvas(size.width, size.height);
  // Chart.js writes resolved defaults back into the options and data it is given: draw a copy,
  // so the same configuration can still be serialised for report.html as it was built.
  const own = { ...config, data: structuredClone(config.data), options: structuredClone(config.options) } as ChartConfiguration<T>;
  // Chart.js reads only the 2D context's drawing API, which Skia's context provides.
  const chart = new Chart(canvas.getContext("2d") as unknown as ConstructorParameters<typeof Chart>[0], own);
  try {
    const bars: DrawnBar[] = [];
    own.data.datasets.forEach((_, di) => {
      chart.getDatasetMeta(di).data.forEach((el, index) => {
        const p = el.getProps(["x", "y", "base", "width"], true) as Omit<DrawnBar, "dataset" | "index">;
        bars.push({ dataset: di, index, x: p.x, y: p.y, base: p.base, width: p.width });
      });
    });
    const { top, bottom, left, right } = chart.chartArea;
    return { png: await canvas.encode("png"), bars, area: { top, bottom, left, right } };
  } finally {
    chart.destroy();
  }
}
