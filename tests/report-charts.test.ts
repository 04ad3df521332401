// Chart rendering draws the data: the PNG is decoded and the pixels of each bar's colour are
// counted where Chart.js placed the bar; their heights must follow the values.

import { expect, test } from "bun:test";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { COLORS, stageChart, tokSChart } from "../harness/charts/chart-configs.ts";
import { renderPng, type DrawnBar } from "../harness/charts/render-png.ts";
import type { ResultSummary, VariantSummary } from "../harness/report/summarize.ts";
import { spread } from "../harness/report/summarize.ts";

/** Pixel heights are whole pixels: a ratio of two bar heights is checked to within 10 %. */
const expectRatio = (a: number, b: number, want: number) => expect(Math.abs(a / b / want - 1)).toBeLessThan(0.1);

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

async function decode(png: Buffer) {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, img.width, img.height);
  const at = (x: number, y: number) => [data[(y * width + x) * 4]!, data[(y * width + x) * 4 + 1]!, data[(y * width + x) * 4 + 2]!];
  return { width, height, at };
}

type Area = { top: number; bottom: number };

/** Pixels of `color` in image column x inside the plot area (the legend repeats the colours),
 * within a small tolerance for anti-aliasing. */
function columnCount(img: Awaited<ReturnType<typeof decode>>, area: Area, x: number, color: string): number {
  const want = rgb(color);
  let n = 0;
  for (let y = Math.floor(area.top); y <= Math.ceil(area.bottom); y++)
    if (img.at(Math.round(x), y).every((v, i) => Math.abs(v - want[i]!) <= 3)) n++;
  return n;
}

const variant = (name: string, tokS: number[], ceiling: number, stages: number[]): VariantSummary => ({
  variant: name, runs: tokS.length, ok: tokS.length, failures: [], tokS: spread(tokS), steadyTokS: null, neverPlateaued: 0,
  p50TokenMs: null, p99TokenMs: null, appHitRate: null, routedBytesPerToken: 1e6, recordBytes: 4096, ioCeilingTokS: ceiling,
  stageMsPerToken: { dense: stages[0]!, routing: stages[1]!, cache: stages[2]!, wait: stages[3]!, expert: stages[4]!, combine: stages[5]! },
});
const summary: ResultSummary = {
  experiment: "chart-test",
  deviceReadGbps: 2,
  variants: [
    variant("a", [10, 11, 9], 40, [1, 0.5, 0.5, 4, 2, 1]),
    variant("b", [20, 21, 19], 40, [1, 0.5, 0.5, 1, 2, 1]),
    variant("c", [5, 5, 5], 40, [2, 0.5, 0.5, 8, 2, 1]),
  ],
};

test("tok/s bars are drawn at heights proportional to the medians, beside the ceiling", async () => {
  const { png, bars, area } = await renderPng(tokSChart(summary).config);
  const img = await decode(png);
  const measured = bars.filter((b) => b.dataset === 0);
  const ceiling = bars.filter((b) => b.dataset === 1);
  expect(measured).toHaveLength(3);
  expect(ceiling).toHaveLength(3);
  // off-centre column: the whisker line runs down the bar's centre
  const height = (b: DrawnBar, color: string) => columnCount(img, area, b.x + b.width / 3, color);
  const h = measured.map((b) => height(b, COLORS.measured));
  expect(h[0]).toBeGreaterThan(20);
  expectRatio(h[1]!, h[0]!, 2);  // medians 20 vs 10
  expectRatio(h[2]!, h[0]!, 0.5); // 5 vs 10
  const hc = ceiling.map((b) => height(b, COLORS.ceiling));
  for (const c of hc) expectRatio(c, h[0]!, 4); // ceiling 40 vs 10
  // nothing of the bar's colour above the bar
  for (const b of measured) {
    const want = rgb(COLORS.measured);
    for (let y = 0; y < Math.floor(b.y) - 2; y++)
      expect(img.at(Math.round(b.x + b.width / 3), y).every((v, i) => Math.abs(v - want[i]!) <= 3)).toBe(false);
  }
}, 20_000);

test("the stage chart stacks each stage at its share of the bar", async () => {
  const { png, bars, area } = await renderPng(stageChart(summary).config);
  const img = await decode(png);
  const x = bars.filter((b) => b.dataset === 0).map((b) => b.x);
  const wait = x.map((xi) => columnCount(img, area, xi, COLORS.stages.wait));
  const expert = x.map((xi) => columnCount(img, area, xi, COLORS.stages.expert));
  const dense = x.map((xi) => columnCount(img, area, xi, COLORS.stages.dense));
  expect(expert[0]).toBeGreaterThan(10);
  expectRatio(wait[0]!, expert[0]!, 2);  // 4 ms vs 2 ms
  expectRatio(wait[1]!, expert[1]!, 0.5); // 1 ms vs 2 ms
  expectRatio(wait[2]!, wait[0]!, 2);     // 8 ms vs 4 ms
  expectRatio(dense[2]!, dense[0]!, 2);   // 2 ms vs 1 ms
}, 20_000);

test("a blank summary still renders (no bars, no crash)", async () => {
  const { png, bars } = await renderPng(tokSChart({ experiment: "e", deviceReadGbps: null, variants: [] }).config);
  expect(bars).toHaveLength(0);
  expect(png.subarray(1, 4).toString()).toBe("PNG");
});
