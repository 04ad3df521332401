// A machine profile as terminal text: the machine facts, then one line per figure, grouped by
// what was measured.

import { renderTable } from "../util/table.ts";
import type { MachineProfile } from "./machine-profile.ts";

/** Param by param, in the order written: numbers numerically, text alphabetically. */
function byParams(a: Record<string, string | number>, b: Record<string, string | number>): number {
  for (const k of Object.keys(a)) {
    const x = a[k], y = b[k];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x).localeCompare(String(y));
  }
  return 0;
}

export function profileTable(p: MachineProfile): string {
  const m = p.machine;
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const facts = [
    `${m.hostname}: ${m.cpuModel}, ${m.cores} cores, ${gib(m.ramBytes)} RAM, ${m.os}`,
    m.storage ? `storage ${m.storage.device ?? "?"} (${m.storage.model ?? "model unknown"}), read_ahead_kb ${m.storage.readAheadKb ?? "?"}, rotational ${m.storage.rotational ?? "?"}` : "storage unknown",
  ];
  const rows = [...p.measurements]
    .sort((a, b) => a.what.localeCompare(b.what) || byParams(a.params, b.params))
    .map((x) => [
      x.what,
      Object.entries(x.params).map(([k, v]) => `${k}=${v}`).join(" "),
      `${x.value.toFixed(2)} ${x.unit}`,
      x.samples.length > 1 ? `${Math.min(...x.samples).toFixed(2)}..${Math.max(...x.samples).toFixed(2)}` : "",
      x.source ?? x.tool,
    ]);
  return `${facts.join("\n")}\n\n${renderTable(["what", "params", "value", "samples", "by"], rows)}`;
}
