// The unit the reports place: a titled group of charts with a caption, or — where the stored
// results hold no data for it — no charts and a note saying why.

import type { ChartConfiguration, ChartType } from "chart.js";

export interface ChartSpec {
  id: string;          // file stem: charts/<id>.png, and the canvas id in report.html
  title: string;       // alt text and heading
  config: ChartConfiguration<ChartType>;
  size?: { width: number; height: number }; // pixels; default 900 × 450
}

export interface ChartGroup {
  id: string;
  title: string;
  caption: string;     // what the charts show and how to read them
  charts: ChartSpec[]; // empty when `missing` says why
  missing?: string;
}

export const DEFAULT_SIZE = { width: 900, height: 450 };
