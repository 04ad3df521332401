// runs.csv: a flat projection of runs.jsonl, one row per run, units in the column names,
// regenerated whole from the JSON lines (written to a temporary file, then renamed).

import { renameSync, writeFileSync } from "node:fs";
import { stringify } from "csv-stringify/sync";
import type { RunRecord } from "./run-record.ts";
import { STAGES } from "./derive-metrics.ts";
import { readRecords } from "./runs-file.ts";
import { environmentColumns } from "../budget/environment-columns.ts";

type Cell = string | number | boolean | null;

/** One run as named cells; fixed columns first, then engine counters and resolved settings. */
export function flattenRecord(r: RunRecord): Record<string, Cell> {
  const d = r.derived;
  const row: Record<string, Cell> = {
    experiment: r.experiment,
    run_id: r.run.id,
    variant: r.run.variant,
    repeat: r.run.repeat,
    spec_hash: r.run.specHash,
    status: r.status,
    failure_kind: r.failure?.kind ?? null,
    failure_signal: r.failure?.kind === "signal" ? r.failure.signal : null,
    failure_message: r.failure?.message ?? null,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    git_revision: r.context.git.revision,
    git_dirty: r.context.git.dirty,
    engine_abi: r.context.engineAbi,
    tokens: d?.tokens ?? null,
    measured_tokens: d?.measuredTokens ?? null,
    tok_s: d?.tokS ?? null,
    steady_tok_s: d?.steady.plateaued ? d.steady.tokS : null,
    steady_start_token: d?.steady.plateaued ? d.steady.startToken : null,
    plateaued: d ? d.steady.plateaued : null,
    p50_token_ms: d?.p50TokenMs ?? null,
    p90_token_ms: d?.p90TokenMs ?? null,
    p99_token_ms: d?.p99TokenMs ?? null,
    app_hit_rate: d?.appHitRate ?? null,
    routed_bytes_per_token: d?.routedBytesPerToken ?? null,
    device_bytes_per_token: d?.deviceBytesPerToken ?? null,
    read_gbps: d?.readGbps ?? null,
    output_hash: r.samples?.outputHash ?? null,
  };
  Object.assign(row, environmentColumns(r.environment));
  for (const s of STAGES) {
    row[`${s}_wall_ms_per_token`] = d?.stageWallMsPerToken[s] ?? null;
    row[`${s}_cpu_ms_per_token`] = d?.stageCpuMsPerToken[s] ?? null;
  }
  for (const [name, v] of Object.entries(r.samples?.stats ?? {})) row[`stat.${name}`] = v;
  for (const [key, v] of Object.entries(r.samples?.config ?? {}))
    row[`config.${key}`] = typeof v === "object" && v !== null ? JSON.stringify(v) : (v as Cell);
  return row;
}

/** CSV text for records; the header is the union of every row's columns, in first-seen order. */
export function recordsToCsv(records: readonly RunRecord[]): string {
  const rows = records.map(flattenRecord);
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return stringify(rows, {
    header: true,
    columns,
    cast: { boolean: (v) => (v ? "true" : "false") },
  });
}

export function writeRunsCsv(jsonlPath: string, csvPath: string): void {
  const { records } = readRecords(jsonlPath);
  const tmp = `${csvPath}.tmp`;
  writeFileSync(tmp, recordsToCsv(records));
  renameSync(tmp, csvPath);
}
