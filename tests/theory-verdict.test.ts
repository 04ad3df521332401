// The one-sentence verdict per variant: the largest part and its share, measured against the
// ceiling that part answers to and the bound of the variant's pipeline.

import { expect, test } from "bun:test";
import type { Ceiling } from "../harness/theory/ceilings.ts";
import { PART_LABELS, type Decomposition, type PartId } from "../harness/theory/decompose.ts";
import { variantVerdict } from "../harness/theory/variant-verdict.ts";

function decomposition(ms: Partial<Record<PartId, number>>): Decomposition {
  const ids = Object.keys(PART_LABELS) as PartId[];
  const total = ids.reduce((a, id) => a + (ms[id] ?? 0), 0) / 1e3;
  return {
    label: "v", totalS: total, window: "", amplificationS: null, hiddenIoS: 0, ioBasis: null, notes: [],
    parts: ids.map((id) => ({ id, label: PART_LABELS[id], s: (ms[id] ?? 0) / 1e3, share: (ms[id] ?? 0) / 1e3 / total, how: "" })),
  };
}
const ceiling = (id: Ceiling["id"], tokS: number, ratio: number): Ceiling => ({ id, label: id, timeS: 1 / tokS, tokS, ratio, basis: "", sources: [] });
const CS = [ceiling("ioAtSources", 40, 0.5), ceiling("compute", 100, 0.2), ceiling("serial", 28, 0.72), ceiling("overlapped", 40, 0.5)];

test("an I/O part is measured against the I/O ceiling at the variant's hit rates", () => {
  expect(variantVerdict(decomposition({ device: 20, ioInefficiency: 10, dense: 15 }), CS, "serial"))
    .toBe("v: device I/O at ceiling speed is the largest part, 44 % of 45.000 ms per token; it runs at 50 % of the I/O ceiling at its hit rates and 72 % of the serial bound.");
});

test("a compute part against the compute ceiling, and the overlapped bound for an overlapped pipeline", () => {
  expect(variantVerdict(decomposition({ device: 5, dense: 30 }), CS, "overlapped"))
    .toBe("v: dense compute is the largest part, 86 % of 35.000 ms per token; it runs at 20 % of the compute ceiling and 50 % of the overlapped bound.");
});

test("a dominant remainder says how little the parts explain", () => {
  expect(variantVerdict(decomposition({ remainder: 30, dense: 10 }), CS, "serial"))
    .toBe("v: remainder is the largest part, 75 % of 40.000 ms per token; the named parts explain only 25 % of the time; it runs at 72 % of the serial bound.");
});

test("a ceiling that nothing read can bound is named as such", () => {
  const cs = [{ ...ceiling("ioAtSources", Infinity, 0), timeS: 0 }, ceiling("serial", 28, 0.72)];
  expect(variantVerdict(decomposition({ ioInefficiency: 9, dense: 1 }), cs, "serial"))
    .toBe("v: I/O inefficiency is the largest part, 90 % of 10.000 ms per token; it runs at 72 % of the serial bound; the I/O ceiling at its hit rates does not bound it (at the profile's rates its reads cost nothing).");
});
