// Close-match suggestions for mistyped keys and values.
import { expect, test } from "bun:test";
import { closeMatches, didYouMean, editDistance } from "../harness/util/did-you-mean.ts";

test.each([
  ["", "", 0], ["abc", "abc", 0], ["abc", "abd", 1], ["kitten", "sitting", 3], ["", "abc", 3],
])("editDistance(%p, %p) = %p", (a, b, d) => {
  expect(editDistance(a, b)).toBe(d);
  expect(editDistance(b, a)).toBe(d);
});

const keys = ["cache.policy", "cache.entries", "cache.scope", "io.threads", "compute.threads", "io.direct"];

test.each([
  ["cache.polcy", ["cache.policy"]],
  ["Cache.Policy", ["cache.policy"]],
  ["threads", ["compute.threads", "io.threads"]],
  ["io.thread", ["io.threads"]],
  ["zzz", []],
])("closeMatches(%p)", (name, want) => {
  expect(closeMatches(name, keys)).toEqual(want);
});

test("didYouMean words one, two or none", () => {
  expect(didYouMean("io.direkt", keys)).toBe(' (did you mean "io.direct"?)');
  expect(didYouMean("threads", keys)).toBe(' (did you mean "compute.threads" or "io.threads"?)');
  expect(didYouMean("unrelated", keys)).toBe("");
});
