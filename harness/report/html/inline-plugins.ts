// The shared Chart.js plugins as browser source: each hook's own text (harness/charts keeps
// them free of imports and closures), so report.html draws exactly what the PNGs draw.

import type { Plugin } from "chart.js";
import { CHART_PLUGINS } from "../../charts/chart-plugins.ts";

/** A JS expression: an object mapping each plugin's id to the plugin. */
export function inlinePlugins(plugins: readonly Plugin[] = CHART_PLUGINS): string {
  const one = (p: Plugin) => {
    const hooks = Object.entries(p)
      .filter(([k, v]) => k !== "id" && typeof v === "function")
      .map(([name, v]) => {
        const src = String(v);
        // method shorthand ("name(args) {…}") is valid in an object literal as it is
        return src.startsWith(`${name}(`) ? src : `${JSON.stringify(name)}: ${src}`;
      });
    return `${JSON.stringify(p.id)}: { id: ${JSON.stringify(p.id)}, ${hooks.join(",\n")} }`;
  };
  return `{\n${plugins.map(one).join(",\n")}\n}`;
}
