// The report's link to a related experiment's result set (the flagship's secondary file, say):
// its report and summary beside this one, or the command that measures it.

import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { FLASH_MOE_NOTES } from "../flagship/flash-moe-notes.ts";
import { findRelatedSet, PUBLISHED_ROOT, SUMMARY_FILE } from "../flagship/summary-of-dir.ts";
import { REPORT_FILE } from "./render-report.ts";

export function relatedSection(experiment: string, dir: string, resultsRoot: string, publishedRoot: string | null = PUBLISHED_ROOT): string[] {
  const rel = FLASH_MOE_NOTES[experiment]?.related;
  if (!rel) return [];
  const out = [`## Related: ${rel.experiment}`, ""];
  const found = findRelatedSet(rel.experiment, dir, resultsRoot, publishedRoot);
  if (!found) return [...out, `${rel.why[0]!.toUpperCase()}${rel.why.slice(1)}: not measured yet; \`bun run experiment ${rel.experiment}.yaml\` measures it.`, ""];
  const link = (file: string) => relative(dir, join(found.dir, file));
  const files = [existsSync(join(found.dir, REPORT_FILE)) ? `[report](${link(REPORT_FILE)})` : "", existsSync(join(found.dir, SUMMARY_FILE)) ? `[summary](${link(SUMMARY_FILE)})` : ""].filter(Boolean);
  const where = found.published ? "the published result set" : "result set";
  const elsewhere = found.published ? ` It was measured on the machine its README describes, not on this one; \`bun run experiment ${rel.experiment}.yaml\` measures it here.` : "";
  return [...out, `${rel.why[0]!.toUpperCase()}${rel.why.slice(1)}: ${where} \`${relative(dir, found.dir)}\`${files.length ? `, ${files.join(", ")}` : ""}.${elsewhere}`, ""];
}
