// Runs one child inside its run scope, as the sweep needs it: a scope that cannot be opened is
// the run's failure (recorded, the sweep goes on); the scope is always ended, so the cgroup is
// gone whatever happened to the child; an OOM kill by the budget is named in the failure.

import type { ChildOutcome } from "../run/run-child.ts";
import { formatSize } from "../util/sizes.ts";
import type { RunEnvironment } from "./run-environment.ts";
import type { RunScope } from "./run-scope.ts";

export async function withRunScope(
  begin: () => Promise<RunScope | null>,
  body: (scope: RunScope | null) => Promise<ChildOutcome>,
): Promise<{ outcome: ChildOutcome; environment: RunEnvironment | null }> {
  let scope: RunScope | null = null;
  try {
    scope = await begin();
  } catch (e) {
    const message = `memory budget / page cache: ${(e as Error).message}`;
    return { outcome: { status: "failed", failure: { kind: "error", message }, samples: null, abi: null }, environment: null };
  }
  let outcome: ChildOutcome;
  try {
    outcome = await body(scope);
  } catch (e) {
    await scope?.end(null);
    throw e;
  }
  const stats = outcome.status === "interrupted" ? null : outcome.samples?.stats;
  const environment = scope ? await scope.end(stats) : null;
  return { outcome: named(outcome, environment), environment };
}

function named(outcome: ChildOutcome, env: RunEnvironment | null): ChildOutcome {
  const oom = env?.budget.oomKills ?? 0;
  if (outcome.status !== "failed" || oom === 0) return outcome;
  const limit = env!.budget.limitBytes;
  const why = ` (the memory cgroup OOM-killed it ${oom === 1 ? "once" : `${oom} times`}: the run needed more than its budget${limit ? ` of ${formatSize(limit)}` : ""})`;
  return { ...outcome, failure: { ...outcome.failure, message: `${outcome.failure.message}${why}` } };
}
