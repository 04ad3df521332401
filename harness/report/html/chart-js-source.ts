// The Chart.js browser bundle, read from node_modules when a report is rendered, so report.html
// carries its own copy and opens offline from the file system.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Chart.js's UMD build (it defines the global `Chart`), minified. */
export function chartJsSource(): string {
  const dist = dirname(createRequire(import.meta.url).resolve("chart.js")); // …/chart.js/dist
  return readFileSync(join(dist, "chart.umd.min.js"), "utf8");
}
