// report.md as text: what was run where, tok/s per variant beside its I/O ceiling, time per
// stage, failures and warnings. Pure: summary and stored context in, markdown out.

import type { RunRecord } from "../results/run-record.ts";
import { STAGES } from "../results/derive-metrics.ts";
import type { ChartGroup, ChartSpec } from "../charts/chart-configs.ts";
import type { ResultSummary, Spread } from "./summarize.ts";
import type { Measurement } from "../probe/machine-profile.ts";

/** Spread (max − min) / median above this is flagged: too few repeats or a noisy machine. */
const SPREAD_WARN = 0.05;

const num = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(digits));
const mb = (bytes: number | null) => (bytes === null ? "–" : `${(bytes / 1e6).toFixed(2)} MB`);
const pct = (v: number | null) => (v === null ? "–" : `${(v * 100).toFixed(1)} %`);
const range = (s: Spread | null) => (s ? `${num(s.median)} [${num(s.min)}–${num(s.max)}]` : "–");
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;

export interface ReportInput {
  dir: string;
  summary: ResultSummary;
  records: readonly RunRecord[];
  planned: number | null;             // runs in the plan (sweep.json), if known
  charts: ChartSpec[];
  probe: Measurement[];               // device read measurements the ceiling came from
  sections?: string[];                // further sections' lines (harness/theory), before the warnings
  groups?: ChartGroup[];              // the full chart set (harness/charts), after the sections
}

/** A chart group as markdown: heading, caption, each chart's PNG, and its note where data is missing. */
export function groupMarkdown(g: ChartGroup): string[] {
  const out = [`### ${g.title}`, "", g.caption, ""];
  for (const c of g.charts) out.push(`![${c.title}](charts/${c.id}.png)`, "");
  if (g.missing) out.push(`> ${g.charts.length ? "Not drawn here" : "Not drawn"}: ${g.missing}.`, "");
  return out;
}

export function reportMarkdown(r: ReportInput): string {
  const { summary: s, records } = r;
  const first = records[0];
  const m = first?.context.machine;
  const revisions = [...new Set(records.map((x) => `${x.context.git.revision?.slice(0, 12) ?? "unknown"}${x.context.git.dirty ? " (dirty)" : ""}`))];
  const failed = records.filter((x) => x.status === "failed").length;
  const out: string[] = [];

  out.push(`# ${s.experiment}`, "");
  const set = r.dir.split(/[\\/]/).filter(Boolean).slice(-2).join("/");
  const span = records.length ? ` between ${records[0]!.startedAt} and ${records.at(-1)!.finishedAt}` : "";
  out.push(`Result set \`${set}\`: ${records.length}${r.planned !== null ? ` of ${r.planned}` : ""} runs recorded${span}, ${failed} failed.`, "");
  if (m) {
    const st = m.storage;
    out.push(`Machine: ${m.hostname}, ${m.cpuModel}, ${m.cores} cores, ${(m.ramBytes / 2 ** 30).toFixed(1)} GiB RAM, ${m.os}` +
      (st?.device ? `; storage ${st.device}${st.model ? ` (${st.model})` : ""}, read_ahead_kb ${st.readAheadKb ?? "?"}` : "") + ".");
    out.push(`Source revision: ${revisions.join(", ")}; engine ABI ${first.context.engineAbi ?? "unknown"}; Bun ${first.context.bun}.`, "");
  }

  out.push("## Throughput", "");
  out.push(row(["variant", "runs ok", "tok/s median [min–max]", "95 % CI", "steady tok/s", "p50 / p99 ms", "app hit rate", "I/O ceiling tok/s", "observed / ceiling"]));
  out.push(row(Array(9).fill("---")));
  for (const v of s.variants) {
    const ci = v.tokS?.ci95 ? `${num(v.tokS.ci95.low)}–${num(v.tokS.ci95.high)}` : "–";
    const ratio = v.tokS && v.ioCeilingTokS ? pct(v.tokS.median / v.ioCeilingTokS) : "–";
    out.push(row([v.variant, `${v.ok}/${v.runs}`, range(v.tokS), ci, range(v.steadyTokS), `${num(v.p50TokenMs)} / ${num(v.p99TokenMs)}`, pct(v.appHitRate), num(v.ioCeilingTokS), ratio]));
  }
  out.push("");
  const ref = s.variants.find((v) => v.routedBytesPerToken !== null);
  if (s.deviceReadGbps !== null && ref) {
    const best = r.probe.find((p) => p.value === s.deviceReadGbps);
    const how = best ? ` (${best.params.mode}, ${best.params.parallelism} in flight, ${mb(Number(best.params.recordBytes))} records, ${best.tool})` : "";
    out.push(`The I/O ceiling is every routed expert's bytes per token (${mb(ref.routedBytesPerToken)}) at the probed device read bandwidth, ${num(s.deviceReadGbps)} GB/s${how}.`, "");
  } else {
    out.push("No device read bandwidth was probed for this result set, so no I/O ceiling is shown.", "");
  }
  for (const c of r.charts.slice(0, 1)) out.push(`![${c.title}](charts/${c.id}.png)`, "");

  out.push("## Time per token by stage", "");
  out.push(row(["variant", ...STAGES.map((x) => `${x} ms`), "total ms"]));
  out.push(row(Array(STAGES.length + 2).fill("---")));
  for (const v of s.variants) {
    const st = v.stageMsPerToken;
    out.push(row([v.variant, ...STAGES.map((x) => num(st?.[x] ?? null, 3)), num(st ? STAGES.reduce((a, x) => a + st[x], 0) : null, 3)]));
  }
  out.push("", "Stage times are wall-clock per token over whole runs, warm-up included.", "");
  for (const c of r.charts.slice(1)) out.push(`![${c.title}](charts/${c.id}.png)`, "");

  if (r.sections?.length) out.push(...r.sections);
  if (r.groups?.length) out.push("## Charts", "", ...r.groups.flatMap(groupMarkdown));

  const warnings: string[] = [];
  for (const v of s.variants) {
    if (v.tokS && v.tokS.n > 1 && (v.tokS.max - v.tokS.min) / v.tokS.median > SPREAD_WARN)
      warnings.push(`${v.variant}: tok/s spread ${pct((v.tokS.max - v.tokS.min) / v.tokS.median)} between repeats (above ${pct(SPREAD_WARN)}): more repeats or a quieter machine.`);
    if (v.tokS && v.ioCeilingTokS && v.tokS.median > v.ioCeilingTokS)
      warnings.push(`${v.variant}: faster than the I/O ceiling — the application cache or the page cache served part of the routed bytes, so this ceiling does not bound it.`);
    if (v.neverPlateaued > 0) warnings.push(`${v.variant}: ${v.neverPlateaued} of ${v.ok} runs never reached steady state.`);
    for (const f of v.failures) warnings.push(`${v.variant}: run ${f.runId} failed (${f.kind}): ${f.message}`);
  }
  if (r.planned !== null && records.length < r.planned) warnings.push(`${r.planned - records.length} planned runs are not recorded yet: re-run the experiment to resume.`);
  if (warnings.length) out.push("## Warnings", "", ...warnings.map((w) => `- ${w}`), "");
  return out.join("\n");
}
