// report.html: report.md rendered as HTML, with every chart image replaced by its interactive
// Chart.js canvas. Self-contained — Chart.js, the plugins and each chart's configuration are
// inlined, nothing is fetched. Pure: markdown, its charts and the Chart.js source in, text out.

import { Marked, type Tokens } from "marked";
import type { ChartSpec } from "../../charts/chart-group.ts";
import { DEFAULT_SIZE } from "../../charts/chart-group.ts";
import { inlinePlugins } from "./inline-plugins.ts";

const CHART_IMAGE = /^charts\/([\w.-]+)\.png$/;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside <script>: "</script>" and "<!--" must not appear in it. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

/** A chart's configuration without its plugin objects (functions), which are named instead. */
function serialisable(c: ChartSpec) {
  const { plugins, ...config } = c.config;
  return { id: c.id, size: c.size ?? DEFAULT_SIZE, plugins: (plugins ?? []).map((p) => p.id), config };
}

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; font-size: 13px; margin: 1em 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #d0d4d9; padding: 3px 7px; text-align: left; }
th { background: #f3f5f7; }
code { background: #f3f5f7; padding: 0 3px; }
blockquote { margin: 1em 0; padding: .3em 1em; border-left: 4px solid #d79b00; background: #fff8e6; }
figure.chart { margin: 1em 0; }
figure.chart canvas { max-width: 100%; border: 1px solid #eceff2; }
`;

/** `charts`: every chart the markdown's images (charts/<id>.png) stand for. */
export function reportHtml(o: { title: string; markdown: string; charts: readonly ChartSpec[]; chartJs: string }): string {
  const charts = new Map(o.charts.map((c) => [c.id, c]));
  const placed: ChartSpec[] = [];
  const marked = new Marked({
    gfm: true,
    renderer: {
      image(t: Tokens.Image) {
        const id = CHART_IMAGE.exec(t.href)?.[1];
        const c = id === undefined ? undefined : charts.get(id);
        if (!c) return false; // any other image: marked's own <img>
        placed.push(c);
        const { width, height } = c.size ?? DEFAULT_SIZE;
        return `<figure class="chart"><canvas id="chart-${escapeHtml(c.id)}" data-chart="${escapeHtml(c.id)}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(c.title)}"></canvas></figure>`;
      },
    },
  });
  const body = marked.parse(o.markdown, { async: false });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<script>${o.chartJs.replace(/<\/script/gi, "<\\/script")}</script>
<script type="application/json" id="tierbench-charts">${scriptJson(placed.map(serialisable))}</script>
<script>
(function () {
  var plugins = ${inlinePlugins()};
  var specs = JSON.parse(document.getElementById("tierbench-charts").textContent);
  specs.forEach(function (s) {
    var canvas = document.getElementById("chart-" + s.id);
    var config = s.config;
    config.options = Object.assign({}, config.options, { devicePixelRatio: window.devicePixelRatio || 1 });
    config.plugins = s.plugins.map(function (id) { return plugins[id]; });
    new Chart(canvas, config);
  });
})();
</script>
</body>
</html>
`;
}
