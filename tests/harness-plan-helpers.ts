// Plans an experiment written inline in a test, failing the test with the diagnostics when
// the text does not validate.
import { formatDiagnostic } from "../harness/experiment/diagnostic.ts";
import type { Plan } from "../harness/experiment/plan.ts";
import { planExperiment } from "../harness/experiment/plan-experiment.ts";
import { testRegistry } from "./harness-registry.ts";

export const FILE = "/experiments/test.yaml";

export function plan(yaml: string): Plan {
  const r = planExperiment(yaml, FILE, testRegistry());
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  return r.plan;
}

/** The messages of an experiment that must not validate. */
export function errors(yaml: string): string[] {
  const r = planExperiment(yaml, FILE, testRegistry());
  if (r.ok) throw new Error("expected errors, the experiment validated");
  return r.diagnostics.map(formatDiagnostic);
}
