// The `simulate:` section of an experiment file: which policies and capacities the trace-driven
// simulator replays the experiment's routing through, and the page-cache model behind the
// application cache. Part of the one experiment schema (harness/experiment/schema.ts).
import { z } from "zod";
import type { Registry } from "../engine/registry.ts";
import { sizeSchema } from "../util/size-schema.ts";
import { parseSize, SizeError } from "../util/sizes.ts";

/** A capacity as written: entries per cache (like cache.entries) or a size (like cache.budget_bytes). */
export type CapacityInput = { entries: number } | { bytes: number };

export const PAGECACHE_MODELS = ["off", "lru", "2q"] as const;
export type PagecacheModel = (typeof PAGECACHE_MODELS)[number];

export interface SimulateSection {
  policies?: string[];          // default: every policy the engine has
  capacities?: CapacityInput[]; // default: powers of two up to the key space of a cache
  pagecache: PagecacheModel;
  /** Bytes read past a record by a read that reaches the device; "auto": the machine profile's
   * readahead for each configuration's io.fadvise (harness/theory/readahead.ts). */
  readahead: number | "auto";
  active_fraction: number;
  threads: number;              // 0 = every CPU
}

const CAPACITY = 'a capacity is a whole number of entries ≥ 1 or a size such as "9.8GB"';

const capacity = z.union([z.number(), z.string()]).transform((v, ctx): CapacityInput => {
  if (typeof v === "number") {
    if (Number.isInteger(v) && v >= 1) return { entries: v };
    ctx.issues.push({ code: "custom", message: `${v}: ${CAPACITY}`, input: v });
    return z.NEVER;
  }
  try {
    const bytes = parseSize(v);
    if (bytes > 0) return { bytes };
    ctx.issues.push({ code: "custom", message: `"${v}": ${CAPACITY}`, input: v });
  } catch (e) {
    if (!(e instanceof SizeError)) throw e;
    ctx.issues.push({ code: "custom", message: `${e.message}; ${CAPACITY}`, input: v });
  }
  return z.NEVER;
});

/** The policies replayed when the section names none: the compiled engine's cache policies
 * proper (a cache.policy alias such as `prefetch` adds a predictor; it is replayed when named). */
export function enginePolicies(reg: Registry): string[] {
  return reg.policies;
}

/** Every name cache.policy takes: the policies and their aliases. */
export function policyNames(reg: Registry): string[] {
  return (reg.keys.get("cache.policy")?.values ?? reg.policies).map(String);
}

export function simulateSection(reg: Registry) {
  const policies = policyNames(reg);
  return z.strictObject({
    policies: z.array(z.enum(policies as [string, ...string[]])).min(1).optional(),
    capacities: z.array(capacity).min(1).optional(),
    pagecache: z.enum(PAGECACHE_MODELS).prefault("lru"),
    readahead: z.union([z.literal("auto"), sizeSchema()]).prefault("auto"),
    active_fraction: z.number().refine((v) => v > 0 && v <= 1, "the share must be above 0 and at most 1").prefault(0.5),
    threads: z.number().int().min(0).max(256).prefault(0),
  });
}

/** Rows of the reference table: key, accepts, default, description. */
export const SIMULATE_DOC: [string, string, string, string][] = [
  ["policies", "list of cache.policy values", "every policy (aliases such as prefetch when named)",
    "Policies replayed; OPT (the bound) is always worth including. Prefetch (prefetch.* settings, or an alias) is replayed as prefetch.mode deterministic runs it; pins (pin.*) as a run takes them."],
  ["capacities", "list of entries or sizes", "powers of two up to a cache's key space",
    "Application-cache sizes: whole numbers are entries per cache (as cache.entries, scaled with s unless cache.scope is per-layer), sizes are bytes (as cache.budget_bytes). Each variant's own policy and size are added."],
  ["pagecache", "off | lru | 2q", '"lru"',
    "Page-cache model behind the application cache, sized to machine.page_cache less the application cache: LRU over records, or Linux's active/inactive lists (2q)."],
  ["readahead", "auto | size", '"auto"', "Bytes the OS reads past a record on a read that reaches the device; not scaled. auto: per configuration from the machine profile — the probe's read amplification of buffered-cold reads under io.fadvise normal, at the configuration's read size and reads in flight; 0 under io.fadvise random, io.direct on, and for io.engine mmap (its probed rate through page faults includes readahead). A size applies to every configuration."],
  ["active_fraction", "number in (0, 1]", "0.5", "2q: share of the page cache the active list may hold."],
  ["threads", "integer 0..256", "0", "Worker threads of the simulator; 0 = one per CPU."],
];
