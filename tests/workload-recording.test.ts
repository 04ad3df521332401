// Recording: after tb_open the engine writes the routing the run uses; that file is the routing the
// configuration describes (one C path), and replaying it as a trace reproduces the run's output hash.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine, ensureModel, type KeyValue, type ModelRef } from "../ffi/index.ts";
import { writeRouting } from "../harness/workload/synthetic-routing.ts";

const root = mkdtempSync(join(tmpdir(), "tb-record-"));
let model: ModelRef;
beforeAll(async () => {
  model = await ensureModel({ preset: "tiny", seed: 3 }, { root, threads: 1 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Every calibrated-workload knob on, so a key the run ignored would show up as a difference.
const WORKLOAD: Record<string, KeyValue> = {
  "routing.zipf": 1.0, "routing.reuse": 0.3, "routing.reuse_window": 3, "routing.topic_every": 10,
  "routing.topic_shift": 0.5, "routing.zipf_spread": 0.2, "routing.cross_layer": 0.3, "routing.seed": 5, "run.tokens": 40,
};

async function run(settings: Record<string, KeyValue>, record?: string): Promise<string> {
  using e = new Engine().setAll({ "model.dir": model.dir, "compute.threads": 1, ...settings }).open();
  if (record) writeRouting(e, record);
  await e.run();
  return e.outputHash();
}

describe("recording the routing of a run", () => {
  test("the recording equals the configuration's routing, and replaying it gives the same output", async () => {
    const recorded = join(root, "run.tbtrace"), described = join(root, "config.tbtrace");
    const hash = await run(WORKLOAD, recorded);
    using before = new Engine().setAll({ "model.preset": "tiny", ...WORKLOAD });
    writeRouting(before, described);
    expect(readFileSync(recorded).equals(readFileSync(described))).toBe(true);
    const replay = await run({ "routing.source": "trace", "routing.trace": recorded, "run.tokens": 40 });
    expect(replay).toBe(hash);
    expect(await run({ ...WORKLOAD, "routing.seed": 6 })).not.toBe(hash); // the hash does see routing
  });
});
