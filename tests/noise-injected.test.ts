// A run whose model's disk is read by another process during its measured window is flagged
// noisy: /proc/diskstats moved far more than the run's own /proc/self/io bytes. The traffic is
// real — 192 MiB read with O_DIRECT by `dd` from a file beside the model, while the runner child
// of a budgeted run (or an unbudgeted one where no memory cgroup exists) reads its tiny model.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureModel, type ModelRef } from "../ffi/index.ts";
import { openBudgets } from "../harness/budget/budgets.ts";
import { withRunScope } from "../harness/budget/with-run-scope.ts";
import { dropFile } from "../harness/pagecache/page-cache-files.ts";
import { storageOf } from "../harness/results/machine-context.ts";
import { CHILD_COMMAND, runChild } from "../harness/run/run-child.ts";
import { diskTmpDir } from "./fixtures/disk-tmp.ts";

const MiB = 2 ** 20;
const INJECTED = 192 * MiB;
const dir = diskTmpDir("noise-injected");
const other = join(dir, "other-tenant.bin");
let model: ModelRef;
beforeAll(async () => {
  model = await ensureModel({ preset: "tiny", seed: 23 }, { root: join(dir, "models"), threads: 1 });
  writeFileSync(other, Buffer.alloc(INJECTED, 1));
  dropFile(other); // on the disk, not in the page cache or a dirty buffer
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("disk traffic of another process during a run flags the run noisy, with the bytes it moved", async () => {
  const budgets = await openBudgets();
  const budget = { enforce: "best-effort", pageCacheState: "cold", pageCacheBytes: 64 * MiB, residentBytes: 16 * MiB, recordBytes: 27648, layers: 2 } as const;
  const engine = { "model.dir": model.dir, "run.tokens": 400, "fault.stage": "dense", "fault.sleep_ms": 8 }; // ≈ 3 s of tokens
  let tenant: Promise<number> | null = null;
  const { outcome, environment } = await withRunScope(
    async () => budgets.begin({ id: "noisy#0", engine, budget }),
    (scope) => runChild({
      input: { engine, stepMs: 100 },
      command: scope!.command(CHILD_COMMAND),
      onMessage: (m) => {
        scope!.observe(m);
        // The other tenant starts once the run's window is open, and finishes well inside it.
        if (m.type === "counters" && m.at === "start")
          tenant = Bun.spawn(["dd", `if=${other}`, "of=/dev/null", "bs=4M", "iflag=direct", "status=none"]).exited;
      },
    }),
  );
  expect(await tenant!).toBe(0);
  expect(outcome.status).toBe("ok");
  const env = environment!;
  if (storageOf(model.dir).device === null) {
    // A disk /proc/diskstats cannot name (tmpfs, some overlays): the rule is reported unmeasured.
    expect(env.noise!.unmeasured.join(" ")).toContain("others' disk traffic");
    return;
  }
  const disk = env.counters!.disk!;
  expect(disk.ownBytes).toBeLessThan(16 * MiB);               // the tiny model, read cold
  expect(disk.othersBytes).toBeGreaterThanOrEqual(INJECTED);  // everything dd read, at least
  expect(env.noise!.noisy).toBe(true);
  expect(env.noise!.reasons.join("\n")).toMatch(/^other tenants moved \d+ bytes on the model's disk, /m);
  expect(env.flags).toContain("noisy");
}, 60_000);
