// The full chart set drawn from a result set of known inputs: each chart carries the stored
// numbers (waterfall parts, sweep medians, latency quantiles, OPT curves, warm-up and steady
// state), a chart without data becomes a note, and report.html is self-contained.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chartSet, type ChartGroup } from "../harness/charts/chart-configs.ts";
import { sweepCharts } from "../harness/charts/sweep-chart.ts";
import { renderPng } from "../harness/charts/render-png.ts";
import { loadReportData } from "../harness/report/report-data.ts";
import { renderReport } from "../harness/report/render-report.ts";
import { median, quantile } from "../harness/results/summary-stats.ts";
import { LEVEL_MS, SIM_HITS, TOKENS, WARMUP, tokenMs, writeReportResults } from "./fixtures/report-results.ts";

const root = mkdtempSync(join(tmpdir(), "tierbench-chart-set-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const full = writeReportResults(join(root, "full"));
const data = loadReportData(full);
const groups = chartSet(data);
const group = (gs: ChartGroup[], id: string) => gs.find((g) => g.id === id)!;
type Ds = { label: string; data: unknown[]; whiskers?: ({ min: number; max: number } | null)[] };
const datasets = (g: ChartGroup, i = 0) => g.charts[i]!.config.data.datasets as unknown as Ds[];

test("every chart of the set is drawn when its data is stored", () => {
  expect(groups.map((g) => g.id)).toEqual(["ceilings", "waterfall", "stages", "hit-rate", "latency", "sweep", "tokens"]);
  for (const g of groups) {
    expect(g.missing).toBeUndefined();
    expect(g.charts.length).toBeGreaterThan(0);
  }
  expect(group(groups, "waterfall").charts).toHaveLength(4); // one per configuration
});

test("ceilings: observed tok/s is each configuration's median over repeats, beside all five bounds", () => {
  const ds = datasets(group(groups, "ceilings"));
  expect(ds.map((d) => d.label)).toEqual(["observed", "(1) paper I/O", "(2) I/O at hit rates", "(3) compute", "(4) serial", "(4) overlapped"]);
  for (const [i, a] of data.analyses.entries()) expect(ds[0]!.data[i]).toBeCloseTo(median(a.tokS), 9);
});

test("the waterfall climbs part by part from the work at ceiling speed to the observed time", () => {
  for (const [i, a] of data.analyses.entries()) {
    const { labels, datasets: ds } = group(groups, "waterfall").charts[i]!.config.data as { labels: string[]; datasets: Ds[] };
    const bar = (j: number) => ds.map((d) => d.data[j] as [number, number] | null).find((x) => x !== null)!;
    const parts = a.decomposition.parts;
    // floating bars are contiguous: each starts where the one before it ended
    const steps = labels.map((_, j) => j).filter((j) => !["at ceiling speed", "observed"].includes(labels[j]!));
    for (let n = 1; n < steps.length; n++) expect(bar(steps[n]!)[0]).toBeCloseTo(bar(steps[n - 1]!)[1], 9);
    expect(bar(labels.indexOf("observed"))[1]).toBeCloseTo(a.decomposition.totalS * 1e3, 9);
    const work = ["device", "pageCache", "expert", "dense", "bookkeeping"].reduce((s, id) => s + parts.find((p) => p.id === id)!.s * 1e3, 0);
    expect(bar(labels.indexOf("at ceiling speed"))[1]).toBeCloseTo(work, 9);
    expect(labels).toHaveLength(parts.length + 2);
  }
});

test("the waterfall's observed bar is drawn to its height", async () => {
  const spec = group(groups, "waterfall").charts[0]!;
  const { bars } = await renderPng(spec.config);
  const labels = spec.config.data.labels as string[];
  const total = bars.filter((b) => b.index === labels.indexOf("observed") && Number.isFinite(b.y) && b.base !== b.y)[0]!;
  const sub = bars.filter((b) => b.index === labels.indexOf("at ceiling speed") && Number.isFinite(b.y) && b.base !== b.y)[0]!;
  const d = data.analyses[0]!.decomposition;
  const work = ["device", "pageCache", "expert", "dense", "bookkeeping"].reduce((s, id) => s + d.parts.find((p) => p.id === id)!.s, 0);
  const wantRatio = d.totalS / work; // both bars stand on zero
  expect(Math.abs((total.base - total.y) / (sub.base - sub.y) / wantRatio - 1)).toBeLessThan(0.05);
}, 20_000);

test("sweep lines: tok/s medians per value of the swept axis, with intervals from the repeats", () => {
  const g = group(groups, "sweep");
  expect(g.charts.map((c) => c.id)).toEqual(["sweep-io-threads"]);
  expect(g.charts[0]!.config.data.labels).toEqual(["1", "4"]);
  const ds = datasets(g);
  expect(ds.map((d) => d.label)).toEqual(["lru", "none"]);
  for (const d of ds)
    for (const [i, threads] of [1, 4].entries()) {
      const tokS = data.records.filter((r) => r.run.variant === `${d.label}[io.threads=${threads}]`).map((r) => r.derived!.tokS!);
      expect(tokS).toHaveLength(2);
      expect(d.data[i]).toBeCloseTo(median(tokS), 9);
      const w = d.whiskers![i]!;
      expect(w.min).toBeLessThan(Math.min(...tokS)); // the 95 % interval of two values is wider than they are
      expect(w.max).toBeGreaterThan(Math.max(...tokS));
    }
});

test("along an axis of names the variants are grouped bars, with the same medians", () => {
  const named = data.records.map((r) => {
    const spec = r.spec as { point: Record<string, number> };
    return { ...r, spec: { ...spec, point: { "io.fadvise": spec.point["io.threads"] === 1 ? "random" : "normal" } } };
  });
  const chart = sweepCharts(named).charts[0]!;
  expect(chart.config.type).toBe("bar");
  expect(chart.config.data.labels).toEqual(["normal", "random"]); // sorted by name
  const lru = (chart.config.data.datasets as unknown as Ds[]).find((d) => d.label === "lru")!;
  const at = (threads: number) => median(data.records.filter((r) => r.run.variant === `lru[io.threads=${threads}]`).map((r) => r.derived!.tokS!));
  expect(lru.data).toEqual([at(4), at(1)]);
  expect(datasets(group(groups, "sweep"))[0]!.data).toHaveLength(2);
  expect(group(groups, "sweep").charts[0]!.config.type).toBe("line"); // io.threads is numeric
});

test("latency distribution: the cumulative curve runs from the fastest to the slowest measured token", () => {
  const ds = datasets(group(groups, "latency"));
  expect(ds.map((d) => d.label)).toEqual(Object.keys(LEVEL_MS));
  for (const d of ds) {
    const ms = data.records.filter((r) => r.run.variant === d.label).flatMap((r) => r.samples!.tokenTimesS.slice(WARMUP).map((s) => s * 1e3));
    const pts = d.data as { x: number; y: number }[];
    expect(pts[0]!).toEqual({ x: Math.min(...ms), y: 0 });
    expect(pts.at(-1)!).toEqual({ x: Math.max(...ms), y: 100 });
    expect(pts.find((p) => p.y === 50)!.x).toBeCloseTo(quantile(ms, 0.5), 9);
    for (let i = 1; i < pts.length; i++) expect(pts[i]!.x).toBeGreaterThanOrEqual(pts[i - 1]!.x);
  }
});

test("hit rate against capacity: the simulated OPT bound and policies, with the measured runs on top", () => {
  const g = group(groups, "hit-rate");
  expect(g.charts.map((c) => c.id)).toEqual(["hit-rate-g1-app-hit-rate", "hit-rate-g1-memory-hit-rate"]);
  const ds = datasets(g);
  const curve = (label: string) => (ds.find((d) => d.label === label)!.data as { x: number; y: number }[]).map((p) => [p.x, p.y]);
  expect(curve("opt (bound)")).toEqual(Object.entries(SIM_HITS.opt!).map(([e, h]) => [Number(e), 100 * h]));
  expect(curve("lru")).toEqual(Object.entries(SIM_HITS.lru!).map(([e, h]) => [Number(e), 100 * h]));
  const lruRuns = data.records.filter((r) => r.run.variant.startsWith("lru"));
  const measured = median(lruRuns.map((r) => r.samples!.stats.app_hits! / r.samples!.stats.requests!));
  const cross = ds.find((d) => d.label.startsWith("measured"))!.data as { x: number; y: number }[];
  expect(cross).toEqual([{ x: 8, y: 100 * measured }, { x: 8, y: 100 * measured }]);
});

test("over tokens: warm-up shaded up to its end, steady state marked where the plateau rule found it, hit rate as counted", () => {
  const g = group(groups, "tokens");
  const spec = g.charts.find((c) => c.id === "tokens-lru-io-threads-1")!;
  const regions = (spec.config.options!.plugins as Record<string, { warmupEnd: number; steadyStart: number }>).tierbenchRegions!;
  expect(regions.warmupEnd).toBe(WARMUP);
  const starts = data.records.filter((r) => r.run.variant === "lru[io.threads=1]").map((r) => (r.derived!.steady as { startToken: number }).startToken);
  expect(regions.steadyStart).toBe(median(starts));
  const ds = spec.config.data.datasets as unknown as Ds[];
  const ms = ds[0]!.data as { x: number; y: number }[];
  expect(ms).toHaveLength(TOKENS);
  expect(ms[0]!.y).toBeCloseTo(median([0.95, 1.05].map((k) => tokenMs(LEVEL_MS["lru[io.threads=1]"]! * k, 0))), 9);
  const rate = ds.find((d) => d.label.startsWith("application-cache hit rate"))!.data as { x: number; y: number }[];
  expect(rate[0]!.y).toBe(0);
  expect(rate.at(-1)!.y).toBeCloseTo(75, 9); // 6 of 8 requests hit once the cache has filled
  // no per-token counters on uncached runs: only the time line
  expect(g.charts.find((c) => c.id === "tokens-none-io-threads-1")!.config.data.datasets).toHaveLength(1);
});

test("charts without stored data become notes in the report, not empty charts", async () => {
  const dir = writeReportResults(join(root, "bare"), { simulation: false, sweep: false });
  const gs = chartSet(loadReportData(dir));
  expect(group(gs, "hit-rate").charts).toEqual([]);
  expect(group(gs, "hit-rate").missing).toContain("no simulation is stored beside this result set");
  expect(group(gs, "sweep").charts).toEqual([]);
  expect(group(gs, "sweep").missing).toContain("sweeps no axis");
  const { report } = await renderReport(dir);
  const md = readFileSync(report, "utf8");
  expect(md).toContain("> Not drawn: no simulation is stored beside this result set");
  expect(md).toContain("> Not drawn: this experiment sweeps no axis");
  expect(md).not.toContain("charts/sweep-");

  // a sweep under way: its axis is known but one value is not a line yet
  const partial = chartSet(loadReportData(writeReportResults(join(root, "partial"), { simulation: false, sweep: "one-value" })));
  expect(group(partial, "sweep").charts).toEqual([]);
  expect(group(partial, "sweep").missing).toBe("the recorded runs cover one value of io.threads so far: no line to draw there");
}, 30_000);

test("report.html carries Chart.js and every chart's data inline, and references nothing outside", async () => {
  const { html, charts } = await renderReport(full);
  const text = readFileSync(html, "utf8");
  const pkg = JSON.parse(readFileSync(join(import.meta.dir, "../node_modules/chart.js/package.json"), "utf8")) as { version: string };
  expect(text).toContain(`Chart.js v${pkg.version}`);
  // one canvas per PNG of report.md: the same set in both formats
  const canvases = [...text.matchAll(/<canvas id="chart-([\w.-]+)"/g)].map((m) => m[1]).sort();
  expect(canvases).toEqual(charts.map((c) => c.split("/").at(-1)!.replace(/\.png$/, "")).sort());
  expect(readdirSync(join(full, "charts")).length).toBe(charts.length);
  // nothing loaded from elsewhere: no image, script, style sheet or frame with a source
  expect(text).not.toMatch(/<(img|script|link|iframe)[^>]+(src|href)=/i);
  // the configurations are stored as built, not with Chart.js's resolved defaults written in
  expect(text).not.toContain('"autoSkipPadding"');
  expect(text).toContain("<table>"); // report.md's tables rendered
}, 30_000);
