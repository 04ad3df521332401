// Size parsing and formatting: the units experiment files use for emulated memory.
import { describe, expect, test } from "bun:test";
import { formatSize, parseSize, SizeError } from "../harness/util/sizes.ts";

describe("parseSize", () => {
  test.each([
    ["9.8GB", 9_800_000_000],
    ["9.8 GB", 9_800_000_000],
    ["  35GB ", 35_000_000_000],
    ["512MiB", 512 * 1024 * 1024],
    ["1.5KiB", 1536],
    ["64kB", 64_000],
    ["64KB", 64_000],
    ["2TiB", 2 * 1024 ** 4],
    ["4096", 4096],
    ["4096B", 4096],
    ["1e9", 1_000_000_000],
    ["2.5e3 MB", 2_500_000_000],
    [".5GB", 500_000_000],
    [4096, 4096],
    [0, 0],
  ] as [string | number, number][])("%p → %p bytes", (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  test.each([
    ["9.8XB", /unknown unit "XB"; units are B, kB, KB, MB, GB, TB, KiB, MiB, GiB, TiB/],
    ["9.8gb", /unknown unit "gb"/],
    ["9.8 G", /unknown unit "G"/],
    ["GB", /is not a size/],
    ["", /is not a size/],
    ["-5GB", /is not a size/],
    ["1.2.3GB", /is not a size/],
    ["9.8 GB extra", /is not a size/],
    [-1, /finite number ≥ 0/],
    [Number.POSITIVE_INFINITY, /finite number ≥ 0/],
    ["1e30", /too large/],
  ] as [string | number, RegExp][])("%p is rejected", (input, message) => {
    expect(() => parseSize(input)).toThrow(SizeError);
    expect(() => parseSize(input)).toThrow(message);
  });
});

describe("formatSize", () => {
  test.each([
    [9_800_000_000, "9.80 GB"],
    [653_333_333, "653 MB"],
    [3_932_160, "3.93 MB"],
    [1_500, "1.50 kB"],
    [512, "512 B"],
  ])("%p → %p", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  test("round-trips through parseSize to three significant digits", () => {
    for (const bytes of [1234, 9_876_543, 35_000_000_000]) {
      const back = parseSize(formatSize(bytes).replace(" ", ""));
      expect(Math.abs(back - bytes) / bytes).toBeLessThan(0.005);
    }
  });
});
