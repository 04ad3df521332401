// The --dry-run view of a plan: what it runs (every run with the settings that set it apart,
// sizes as emulated → this machine's), what it compares, and what it will cost. Pure.
import { formatDuration } from "../util/duration.ts";
import { formatSize } from "../util/sizes.ts";
import { renderTable } from "../util/table.ts";
import type { Estimate } from "./estimate.ts";
import type { Plan, RunSpec, SizeValue } from "./plan.ts";

export interface DryRunContext {
  file: string;              // as shown to the user
  bandwidth: { bytesPerS: number; source: string };
}

export function renderDryRun(plan: Plan, est: Estimate, ctx: DryRunContext): string {
  const first = plan.runs[0]!;
  const m = first.model;
  const w = first.workload;
  const mc = first.machine;
  const routing = w.routing.source === "trace" ? `trace ${w.routing.path}`
    : w.routing.preset ? `workload preset ${w.routing.preset} (zipf ${w.routing.zipf}, reuse ${w.routing.reuse}, seed ${w.routing.seed})`
    : `synthetic routing (zipf ${w.routing.zipf}, reuse ${w.routing.reuse}, seed ${w.routing.seed})`;
  const differing = differingSettings(plan.runs);
  const out = [
    `${plan.name} — ${ctx.file}`,
    ...(plan.description ? [`  ${plan.description}`] : []),
    "",
    `model     ${m.preset}, L = ${m.layers} of ${m.presetLayers} (s = ${round(m.scale)}), ${m.bits}-bit, seed ${m.seed}: ${formatSize(m.recordBytes)} per expert, ${m.experts} experts per layer${m.import ? `, imported from ${m.import}` : ""}`,
    `workload  ${routing}, K = ${w.k}, ${w.tokens} tokens (${w.warmup} warm-up)`,
    `machine   emulated → this machine: page cache ${both(mc.page_cache)}, resident ${both(mc.resident)}, RAM ${both(mc.ram)} (${mc.enforce}), page cache ${mc.page_cache_state} at start`,
    `runs      ${plan.runs.length}: ${plan.configs.length} configuration${plan.configs.length === 1 ? "" : "s"} × ${plan.repeats} repeat${plan.repeats === 1 ? "" : "s"}, interleaved${varies(plan.runs) ? "; model, workload or machine vary (above: the first run's; see settings)" : ""}`,
    "",
    renderTable(
      ["run", "variant", "repeat", "settings (sizes: emulated → this machine)"],
      plan.runs.map((r) => [r.id, r.variant, String(r.repeat), differing.map((k) => `${k}=${display(r, k)}`).join(", ")]),
    ),
  ];
  if (plan.compare.length > 0) {
    out.push("");
    for (const c of plan.compare) out.push(`compare   ${c.b} vs ${c.a}: ${c.metric}, published ${c.published.text}`);
  }
  const models = est.models.map(({ model: x, bytes }) => `${x.preset} L=${x.layers} ${x.bits}-bit seed ${x.seed}: ${formatSize(bytes)}`);
  const perToken = [...new Set(est.routedBytesPerToken)].map(formatSize).join(", ");
  out.push(
    "",
    `disk      ${formatSize(est.diskBytes)} for ${est.models.length} model${est.models.length === 1 ? "" : "s"} (${models.join("; ")}), generated once and cached`,
    `time      ${about(est.totalSeconds)}: runs ${formatDuration(est.runSeconds)} with every routed byte read from the device (${perToken} per token), model generation ${formatDuration(est.generateSeconds)} (written at that bandwidth); compute not included`,
    `bandwidth ${formatSize(ctx.bandwidth.bytesPerS)}/s device reads, ${ctx.bandwidth.source}`,
  );
  return out.join("\n");
}

// Settings of a run that are not engine keys (the engine keys cover model, routing and tokens).
const HARNESS_KEYS = ["workload.warmup", "machine.page_cache", "machine.resident", "machine.ram", "machine.enforce", "machine.page_cache_state"];

/** Keys (engine keys, warm-up, machine) whose value is not the same in every run. */
export function differingSettings(runs: RunSpec[]): string[] {
  const keys = [...Object.keys(runs[0]!.engine), ...HARNESS_KEYS];
  return keys.filter((k) => new Set(runs.map((r) => display(r, k))).size > 1);
}

function display(r: RunSpec, key: string): string {
  if (key in r.sizes) return sized(r.sizes[key]!);
  if (key === "workload.warmup") return String(r.workload.warmup);
  if (key === "machine.enforce") return r.machine.enforce;
  if (key === "machine.page_cache_state") return r.machine.page_cache_state;
  if (key.startsWith("machine.")) return both(r.machine[key.slice(8) as "ram"]);
  return String(r.engine[key]);
}

function sized(v: SizeValue): string {
  if (v.unit === "entries") return v.emulated === v.physical ? `${v.emulated}` : `${v.emulated}→${v.physical}`;
  return v.emulated === v.physical ? formatSize(v.emulated) : both(v);
}

function both(v: SizeValue): string {
  return `${formatSize(v.emulated)} → ${formatSize(v.physical)}`;
}

function varies(runs: RunSpec[]): boolean {
  const shape = (r: RunSpec) => JSON.stringify([r.model, r.workload, r.machine]);
  return new Set(runs.map(shape)).size > 1;
}

function about(seconds: number): string {
  const d = formatDuration(seconds);
  return d.startsWith("<") ? d : `≈ ${d}`;
}

function round(x: number): string {
  return String(Number(x.toPrecision(3)));
}
