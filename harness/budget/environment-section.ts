// The report's sections on what the runs ran inside: per variant the memory budget (mechanism,
// limit, peak, the runner's overhead as calibrated and as observed), the page-cache state and
// residency, OOM kills and noise; the device drift over the sweep; and the page-cache model
// check. Pure: stored records, drift.jsonl and pagecache-check.json in, markdown lines out.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DRIFT_JSONL, describeDrift, type DriftEntry } from "../counters/probe-drift.ts";
import { readPageCacheCheck } from "../pagecache/model-check.ts";
import type { RunRecord } from "../results/run-record.ts";
import { median } from "../results/summary-stats.ts";

const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const mb = (v: number | null) => (v === null ? "–" : (v / 1e6).toFixed(1));
const pct = (v: number | null) => (v === null ? "–" : `${(v * 100).toFixed(1)} %`);
const med = (xs: (number | null | undefined)[]) => {
  const ok = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return ok.length ? median(ok) : null;
};

function byVariant(records: readonly RunRecord[]): Map<string, RunRecord[]> {
  const out = new Map<string, RunRecord[]>();
  for (const r of records) out.set(r.run.variant, [...(out.get(r.run.variant) ?? []), r]);
  return out;
}

function budgetSection(records: readonly RunRecord[]): string[] {
  const withEnv = records.filter((r) => r.environment);
  if (withEnv.length === 0) return [];
  const out = ["## Memory budget, page cache and noise", ""];
  out.push(row(["variant", "budget", "limit MB", "peak MB (max)", "overhead MB calibrated / observed", "page cache at start", "resident after MB", "OOM kills", "noisy runs"]));
  out.push(row(Array(9).fill("---")));
  for (const [variant, rs] of byVariant(withEnv)) {
    const envs = rs.map((r) => r.environment!);
    const mechanisms = [...new Set(envs.map((e) => (e.budget.enforced ? e.budget.mechanism : "not enforced")))].join(", ");
    const peaks = envs.map((e) => e.budget.peakBytes).filter((p): p is number => p !== null);
    const noisy = envs.filter((e) => e.noise?.noisy).length;
    out.push(row([
      variant, mechanisms, mb(med(envs.map((e) => e.budget.limitBytes))), peaks.length ? mb(Math.max(...peaks)) : "–",
      `${mb(med(envs.map((e) => e.budget.composition?.overheadBytes)))} / ${mb(med(envs.map((e) => e.budget.observedOverheadBytes)))}`,
      [...new Set(envs.map((e) => e.pageCache.state))].join(", "), mb(med(envs.map((e) => e.pageCache.residentAfterBytes))),
      envs.reduce((a, e) => a + (e.budget.oomKills ?? 0), 0), `${noisy}/${envs.length}`,
    ]));
  }
  out.push("", "Limit = page cache + resident weights (both × s) + the runner's fixed overhead, calibrated before the runs; " +
    "observed = the most non-page-cache memory sampled in the run's cgroup. PSI figures in runs.jsonl are " +
    `${withEnv.some((r) => r.environment!.counters?.psi.scope === "system") ? "system-wide (cgroup v1 has no per-cgroup pressure)" : "the run's own cgroup's"}.`, "");
  const reasons = [...new Set(withEnv.flatMap((r) => r.environment!.noise?.reasons.map((x) => `${r.run.id}: ${x}`) ?? []))];
  if (reasons.length) out.push("Noise:", "", ...reasons.slice(0, 10).map((x) => `- ${x}`), ...(reasons.length > 10 ? [`- … ${reasons.length - 10} more in runs.jsonl`] : []), "");
  return out;
}

function driftSection(dir: string): string[] {
  const path = join(dir, DRIFT_JSONL);
  if (!existsSync(path)) return [];
  const entries = readFileSync(path, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as DriftEntry);
  const last = entries.at(-1);
  if (!last) return [];
  return ["## Device drift over the sweep", "", ...describeDrift(last.changes).map((l) => `- ${l.replace(/^device read drift over the sweep: /, "")}`),
    "", `Quick probe on the model files right before (${last.before.at}) and after (${last.after?.at ?? "not measured: interrupted"}) the last sweep of this result set.`, ""];
}

function modelCheckSection(dir: string): string[] {
  const check = readPageCacheCheck(dir);
  if (!check) return [];
  const out = ["## Page-cache model check", ""];
  if (check.rows.length === 0) {
    out.push(`No run could be checked${check.skipped.length ? `: ${[...new Set(check.skipped.map((s) => s.why))].join("; ")}` : ""}.`, "");
    return out;
  }
  const models = check.rows[0]!.predicted.map((p) => p.model);
  out.push(row(["variant", "runs", "page cache left MB", "measured cached share", ...models.flatMap((m) => [`${m} predicted`, `${m} error`])]));
  out.push(row(Array(4 + 2 * models.length).fill("---")));
  for (const [variant, rows] of [...new Set(check.rows.map((r) => r.variant))].map((v) => [v, check.rows.filter((r) => r.variant === v)] as const)) {
    const err = (m: string) => med(rows.map((r) => r.predicted.find((p) => p.model === m)?.error));
    out.push(row([variant, rows.length, mb(med(rows.map((r) => r.availableBytes))), pct(med(rows.map((r) => r.measuredShare))),
      ...models.flatMap((m) => [pct(med(rows.map((r) => r.predicted.find((p) => p.model === m)?.share))), `${(err(m)! * 100).toFixed(1)} pts`])]));
  }
  out.push("", `Share of the bytes read that were cached: measured by the engine (mincore before each read) against the simulator's page-cache model replaying the same routing with the page cache the budget left and the disk's readahead (${[...new Set(check.rows.map((r) => r.readaheadBytes))].join(", ")} bytes); error = predicted − measured, medians over runs.`, "");
  return out;
}

export function environmentSections(dir: string, records: readonly RunRecord[]): string[] {
  return [...budgetSection(records), ...driftSection(dir), ...modelCheckSection(dir)];
}
