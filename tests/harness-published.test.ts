// Published results in `compare:` — values, ranges, both, and directions — and the errors
// for anything else.
import { describe, expect, test } from "bun:test";
import { parsePublished, PublishedError } from "../harness/experiment/published.ts";

describe("parsePublished", () => {
  test.each([
    ["+38%", { kind: "change", value: 0.38, low: 0.38, high: 0.38 }],
    ["-12.5 %", { kind: "change", value: -0.125, low: -0.125, high: -0.125 }],
    ["38%", { kind: "change", value: 0.38, low: 0.38, high: 0.38 }],
    ["+32%..+40%", { kind: "change", low: 0.32, high: 0.4 }],
    ["-5% .. +5%", { kind: "change", low: -0.05, high: 0.05 }],
    ["+38% (+32%..+40%)", { kind: "change", value: 0.38, low: 0.32, high: 0.4 }],
    ["> 0%", { kind: "sign", sign: 1 }],
    ["<0", { kind: "sign", sign: -1 }],
  ])("%p", (text, want) => {
    const got = parsePublished(text);
    expect(got).toMatchObject(want);
    if (got.kind === "change" && !("value" in want)) expect(got.value).toBeUndefined();
  });

  test.each([
    ["38", /is not a published change/],
    ["+38 percent", /is not a published change/],
    ["+40%..+32%", /a range goes from low to high/],
    ["+45% (+32%..+40%)", /the value lies outside its range/],
    ["> 5%", /is not a published change/],
  ])("%p is rejected", (text, message) => {
    expect(() => parsePublished(text)).toThrow(PublishedError);
    expect(() => parsePublished(text)).toThrow(message);
  });
});
