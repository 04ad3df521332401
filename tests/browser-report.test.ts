// report.html in a real browser (Debian's chromium, driven by playwright-core; .ci/run installs
// it): the page loads from the file system with no console error and no network request, every
// canvas holds a chart with data and drawn pixels, a bar answers the pointer with its tooltip, and
// a screenshot of the page is not blank.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { renderReport } from "../harness/report/render-report.ts";
import { writeReportResults } from "./fixtures/report-results.ts";

const CHROMIUM = process.env.TIERBENCH_CHROMIUM ?? "/usr/bin/chromium";
// Background services would try the network, which is closed here: their connections fail
// as console noise and slow the start.
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const root = mkdtempSync(join(tmpdir(), "tierbench-browser-"));
let context: BrowserContext;
let html: string;
let pngs: string[];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium; .ci/run does it)`);
  const dir = writeReportResults(join(root, "results"));
  html = (await renderReport(dir)).html;
  pngs = readdirSync(join(dir, "charts")).map((f) => f.replace(/\.png$/, "")).sort();
  // a fresh profile per run: nothing cached from elsewhere
  context = await chromium.launchPersistentContext(join(root, "profile"), { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1100, height: 900 } });
}, 60_000);

afterAll(async () => {
  await context?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Per canvas: its chart's data points, the elements Chart.js laid out inside the plot area,
 * and the share of the plot area's pixels that differ from the white background. */
interface CanvasState { id: string; chart: boolean; points: number; placed: number; inked: number }

test("report.html loads offline, draws every chart with its data, and looks like something", async () => {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(html).href, { waitUntil: "load" });

  const state = await page.evaluate((): CanvasState[] => {
    const C = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart;
    return [...document.querySelectorAll("canvas")].map((canvas) => {
      const chart = C.getChart(canvas);
      const id = canvas.dataset.chart ?? "";
      if (!chart) return { id, chart: false, points: 0, placed: 0, inked: 0 };
      const value = (v: unknown) => (Array.isArray(v) ? v.every(Number.isFinite) : typeof v === "number" ? Number.isFinite(v) : v !== null && typeof v === "object" && Number.isFinite((v as { y: number }).y));
      const points = chart.data.datasets.reduce((n: number, d: { data: unknown[] }) => n + d.data.filter(value).length, 0);
      const a = chart.chartArea;
      let placed = 0;
      chart.data.datasets.forEach((_: unknown, i: number) => {
        for (const el of chart.getDatasetMeta(i).data) if (el.x >= a.left - 1 && el.x <= a.right + 1 && Number.isFinite(el.y)) placed++;
      });
      const r = chart.currentDevicePixelRatio;
      const px = canvas.getContext("2d")!.getImageData(a.left * r, a.top * r, (a.right - a.left) * r, (a.bottom - a.top) * r).data;
      let ink = 0;
      for (let p = 0; p < px.length; p += 4) if (px[p]! < 235 || px[p + 1]! < 235 || px[p + 2]! < 235) ink++;
      return { id, chart: true, points, placed, inked: ink / (px.length / 4) };
    });
  });

  expect(errors).toEqual([]);
  expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
  // the same charts as report.md's PNGs, each with data laid out and pixels drawn
  expect(state.map((s) => s.id).sort()).toEqual(pngs);
  for (const s of state) {
    expect({ id: s.id, chart: s.chart }).toEqual({ id: s.id, chart: true });
    expect(s.points).toBeGreaterThan(0);
    expect(s.placed).toBeGreaterThan(0);
    expect(s.inked).toBeGreaterThan(0.01);
  }

  // interactive: pointing at a bar brings up its tooltip
  const canvas = page.locator("#chart-ceilings");
  await canvas.scrollIntoViewIfNeeded();
  const bar = await page.evaluate(() => {
    const chart = (window as unknown as { Chart: { getChart(id: string): any } }).Chart.getChart("chart-ceilings");
    const el = chart.getDatasetMeta(0).data[0];
    return { x: el.x, y: (el.y + el.base) / 2 }; // CSS pixels inside the canvas
  });
  await canvas.hover({ position: bar });
  const tooltip = await page.evaluate(() =>
    (window as unknown as { Chart: { getChart(id: string): any } }).Chart.getChart("chart-ceilings").tooltip.getActiveElements().map((e: { datasetIndex: number; index: number }) => [e.datasetIndex, e.index]));
  expect(tooltip).toContainEqual([0, 0]);

  // the page as a person sees it: not blank, not one colour
  const shot = await loadImage(await page.screenshot({ fullPage: true }));
  const c = createCanvas(shot.width, shot.height);
  const ctx = c.getContext("2d");
  ctx.drawImage(shot, 0, 0);
  const { data } = ctx.getImageData(0, 0, shot.width, shot.height);
  let ink = 0;
  const colours = new Set<number>();
  for (let p = 0; p < data.length; p += 4) {
    if (data[p]! < 235 || data[p + 1]! < 235 || data[p + 2]! < 235) ink++;
    colours.add((data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!);
  }
  expect(shot.height).toBeGreaterThan(2000); // tables and fifteen charts
  expect(ink / (data.length / 4)).toBeGreaterThan(0.02);
  expect(colours.size).toBeGreaterThan(100);
  await page.close();
}, 60_000);
