// A comparison must name two different variants of the file and have the repeats its
// verdict needs (a 95 % interval over ≥ 5 interleaved repeats).
import { didYouMean } from "../util/did-you-mean.ts";
import type { Problem } from "./problem.ts";
import type { ExperimentDoc } from "./schema.ts";

export const MIN_REPEATS_TO_COMPARE = 5;

export function checkComparisons(doc: ExperimentDoc): Problem[] {
  const problems: Problem[] = [];
  const names = Object.keys(doc.variants);
  doc.compare.forEach((c, i) => {
    for (const side of ["a", "b"] as const) {
      if (!names.includes(c[side]))
        problems.push({ path: ["compare", i, side], message: `"${c[side]}" is not a variant of this file${didYouMean(c[side], names)}; variants: ${names.join(", ") || "(none)"}` });
    }
    if (c.a === c.b) problems.push({ path: ["compare", i, "b"], message: `a and b are both "${c.a}"; a comparison needs two different variants` });
  });
  if (doc.compare.length > 0 && doc.workload.repeats < MIN_REPEATS_TO_COMPARE)
    problems.push({
      path: ["workload", "repeats"],
      message: `comparisons need ≥ ${MIN_REPEATS_TO_COMPARE} interleaved repeats for their 95 % interval; workload.repeats is ${doc.workload.repeats}`,
    });
  return problems;
}
