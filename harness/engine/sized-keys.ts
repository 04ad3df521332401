// Engine keys that hold sizes, and how each carries over from the emulated machine to this
// one: memory budgets scale with s = L / preset layers when they are global, a
// per-layer budget or a request size does not.

export interface SizedKey {
  unit: "bytes" | "entries";
  // "budget": memory held by the run — scales with s unless cache.scope is per-layer;
  // "never": a size per request, the same on any machine.
  scaling: "budget" | "never";
}

export const SIZED_KEYS: Record<string, SizedKey> = {
  "cache.budget_bytes": { unit: "bytes", scaling: "budget" },
  "cache.entries": { unit: "entries", scaling: "budget" },
  "pin.top_n": { unit: "entries", scaling: "budget" },   // pins live inside the cache budget
  "io.chunk": { unit: "bytes", scaling: "never" },
};

/** The key and value that make budgets per layer (and so unscaled). */
export const PER_LAYER_SCOPE = { key: "cache.scope", value: "per-layer" } as const;

export function isSizeKey(name: string): boolean {
  return SIZED_KEYS[name]?.unit === "bytes";
}
