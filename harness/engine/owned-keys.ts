// Engine keys the harness sets itself from an experiment's model, workload and pin sections
// (the model, its routing, the token count and the pinned experts), so they are not written
// under `engine:`.

/** Harness field → the engine key it sets. */
export const FIELD_TO_KEY: Record<string, string> = {
  "model.preset": "model.preset",
  "model.layers": "model.layers",
  "model.bits": "model.bits",
  "model.seed": "model.seed",
  "workload.k": "routing.k",
  "workload.tokens": "run.tokens",
  "workload.routing.trace": "routing.trace",
  "workload.routing.synthetic.zipf": "routing.zipf",
  "workload.routing.synthetic.reuse": "routing.reuse",
  "workload.routing.synthetic.seed": "routing.seed",
  "workload.routing.synthetic.topic_every": "routing.topic_every",
  "workload.routing.synthetic.topic_shift": "routing.topic_shift",
  "pin.file": "pin.file",
  "pin.top_n": "pin.top_n",
  "pin.window": "pin.window",
};

const OWNED_PREFIXES = ["model.", "routing.", "run.", "pin."];

export function isOwnedKey(name: string): boolean {
  return OWNED_PREFIXES.some((p) => name.startsWith(p));
}

/** The harness field that sets engine key `name`, if there is one. */
export function fieldForKey(name: string): string | undefined {
  return Object.entries(FIELD_TO_KEY).find(([, k]) => k === name)?.[0];
}
