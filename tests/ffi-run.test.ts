// ffi-run.test.ts — a tiny model generated and run end to end through the binding: time-bounded
// steps, statistics by name, cancel between steps, an injected failure, state checks, plugin
// availability as the engine reports it, and the model cache (ensureModel).
import { afterAll, beforeAll, describe as group, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkModel, describe, Engine, ensureModel, generateModel, importModel, Status, TbError, type KeyValue,
  type ModelRef,
} from "../ffi/index.ts";

const d = describe();
const root = mkdtempSync(join(tmpdir(), "tb-ffi-run-"));
let model: ModelRef;

beforeAll(async () => {
  model = await ensureModel({ preset: "tiny", seed: 7 }, { root, threads: 1 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function engine(settings: Record<string, KeyValue> = {}): Engine {
  return new Engine().setAll({ "model.dir": model.dir, ...settings });
}

async function rejection(p: Promise<unknown>): Promise<TbError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TbError);
    return e as TbError;
  }
  throw new Error("expected a TbError");
}

function thrown(fn: () => unknown): TbError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TbError);
    return e as TbError;
  }
  throw new Error("expected a TbError");
}

// Every token sleeps 2 ms in the dense stage: 100 tokens take over 200 ms, ten 20 ms budgets.
const SLOW = { "fault.stage": "dense", "fault.sleep_ms": 2 };

group("a run through the binding", () => {
  test("runs in time-bounded steps, each returning within its budget plus one token", () => {
    using e = engine({ "run.tokens": 100, ...SLOW }).open();
    const budgetMs = 20;
    const stepMs: number[] = [];
    let r: string;
    do {
      const t0 = performance.now();
      r = e.step(budgetMs);
      stepMs.push(performance.now() - t0);
    } while (r === "more");
    expect(stepMs.length).toBeGreaterThanOrEqual(4);
    // a step ends at the first token boundary past its budget; 60 ms of slack for a loaded machine
    // still fails a step that ran everything (> 200 ms)
    const slowestToken = Math.max(...e.tokenTimes()) * 1000;
    for (const ms of stepMs) expect(ms).toBeLessThan(budgetMs + slowestToken + 60);
    expect(e.stats().tokens).toBe(100);
  });

  test("statistics by name agree with the configuration and with each other", () => {
    using e = engine({ "run.tokens": 12 }).open();
    expect(e.step(10_000)).toBe("done");
    const s = e.stats();
    expect(Object.keys(s)).toEqual(d.counters);
    expect(s.tokens).toBe(e.config()["run.tokens"] as number);
    expect(s.app_hits! + s.app_misses!).toBe(s.requests!);
    expect(s.requests).toBe(12 * model.geometry.layers * model.geometry.k);
    const times = e.tokenTimes();
    expect(times.length).toBe(12);
    for (const t of times) expect(t).toBeGreaterThan(0);
    const layers = e.layerStats();
    expect(layers.length).toBe(model.geometry.layers);
    for (const l of layers) expect(Object.keys(l)).toEqual(d.layer_counters);
    expect(layers.reduce((sum, l) => sum + l.requests!, 0)).toBe(s.requests!);
    expect(e.outputHash()).toMatch(/^[0-9a-f]{16}$/);
  });

  test("the same run gives the same output hash", () => {
    const hash = () => {
      using e = engine({ "run.tokens": 5 }).open();
      e.step(10_000);
      return e.outputHash();
    };
    expect(hash()).toBe(hash());
  });

  test("async run() steps to the end, reporting after every step", async () => {
    using e = engine({ "run.tokens": 15, ...SLOW }).open();
    const seen: number[] = [];
    const s = await e.run({ budgetMs: 10, onStep: (st) => seen.push(st.tokens!) });
    expect(s.tokens).toBe(15);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  test("keys are fixed after open, and a finished run does not step again", () => {
    using e = engine({ "run.tokens": 2 }).open();
    const err = thrown(() => e.set("io.threads", 2));
    expect(err.status).toBe(Status.ERR_STATE);
    expect(err.message).toContain("io.threads");
    expect(thrown(() => e.open()).status).toBe(Status.ERR_STATE);
    expect(e.step(10_000)).toBe("done");
    expect(thrown(() => e.step()).message).toContain("finished");
  });

  test("statistics before open are a state error", () => {
    using e = engine();
    expect(thrown(() => e.stats()).status).toBe(Status.ERR_STATE);
    expect(thrown(() => e.outputHash()).status).toBe(Status.ERR_STATE);
  });

  test("cancel between steps: the next step is cancelled, nothing more runs, close works", () => {
    const e = engine({ "run.tokens": 1000, ...SLOW }).open();
    expect(e.step(5)).toBe("more");
    const tokens = e.stats().tokens;
    e.cancel();
    const err = thrown(() => e.step(1000));
    expect(err.status).toBe(Status.ERR_CANCELLED);
    expect(err.message).toContain("cancel");
    expect(thrown(() => e.step(1000)).status).toBe(Status.ERR_CANCELLED);
    expect(e.stats().tokens).toBe(tokens);
    e.close();
    expect(e.closed).toBe(true);
  });

  test("an injected failure surfaces with its status and message, after exactly N tokens", async () => {
    using e = engine({ "run.tokens": 20, "fault.fail_after_tokens": 3 }).open();
    const err = await rejection(e.run({ budgetMs: 5 }));
    expect(err.status).toBe(Status.ERR_INJECTED);
    expect(err.message).toContain("fault.fail_after_tokens");
    expect(e.stats().tokens).toBe(3);
  });

  test("a model directory that is not a model fails at open, naming it", () => {
    using e = new Engine().set("model.dir", join(root, "nothing-here"));
    const err = thrown(() => e.open());
    expect(err.message).toContain("nothing-here");
  });
});

group("plugins as the engine reports them", () => {
  test("each kernel variant opens exactly when describe() lists it available", () => {
    for (const k of d.kernels) {
      using e = engine({ "kernel.variant": k.name, "run.tokens": 1 });
      if (k.available) {
        e.open();
        expect(e.step(10_000)).toBe("done");
      } else {
        expect(thrown(() => e.open()).status).toBe(Status.ERR_UNAVAILABLE);
      }
    }
  });

  test("each I/O engine opens exactly when describe() lists it available", () => {
    for (const io of d.io_engines) {
      using e = engine({ "io.engine": io.name, "run.tokens": 1 });
      if (io.available) {
        e.open();
        expect(e.step(10_000)).toBe("done");
      } else {
        expect(thrown(() => e.open()).message).toContain(io.name);
      }
    }
  });
});

group("model files", () => {
  test("ensureModel generates once and then reuses, also for concurrent callers", async () => {
    const spec = { preset: "tiny", geometry: { layers: 1 }, seed: 3 };
    const [a, b] = await Promise.all([ensureModel(spec, { root }), ensureModel(spec, { root })]);
    expect(a.dir).toBe(b.dir);
    expect([a.generated, b.generated].sort()).toEqual([false, true]);
    expect(a.name).toBe("tiny-L1-q4-s3");
    const again = await ensureModel(spec, { root });
    expect(again.generated).toBe(false);
    checkModel(again.dir);
  });

  test("ensureModel makes a damaged or interrupted model again", async () => {
    const spec = { preset: "tiny", seed: 11 };
    const first = await ensureModel(spec, { root });
    truncateSync(join(first.dir, "layer_00.bin"), 4096);
    const repaired = await ensureModel(spec, { root });
    expect(repaired.generated).toBe(true);
    checkModel(repaired.dir);
    rmSync(join(repaired.dir, "manifest.json")); // as if killed before the commit marker
    expect((await ensureModel(spec, { root })).generated).toBe(true);
  });

  test("model names spell out custom geometries", async () => {
    const tiny = d.presets.find((p) => p.name === "tiny")!.geometry;
    const ref = await ensureModel({ geometry: { ...tiny, experts: 8 }, bits: 2 }, { root });
    expect(ref.name).toBe(
      `custom-h${tiny.hidden}-f${tiny.ffn}-sf${tiny.shared_ffn}-e8-k${tiny.k}-g${tiny.group}` +
        `-d${tiny.dense_matrices}x${tiny.dense_bits}-L${tiny.layers}-q2-s1`,
    );
    await expect(ensureModel({ geometry: { hidden: 256 } }, { root })).rejects.toThrow("'ffn' is not set");
  });

  test("generation reports progress up to 1; a damaged model fails its check naming the file", async () => {
    const dir = join(root, "damaged");
    const progress: number[] = [];
    await generateModel({ dir, preset: "tiny", seed: 5, budgetMs: 1, onProgress: (f) => progress.push(f) });
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    checkModel(dir);
    const layer = join(dir, "layer_01.bin");
    truncateSync(layer, statSync(layer).size - 1);
    const err = thrown(() => checkModel(dir));
    expect(err.status).toBe(Status.ERR_MODEL);
    expect(err.message).toContain("layer_01.bin");
  });

  test("a Flash-MoE directory of correctly sized layer files imports; a wrong size is named", () => {
    const tiny = d.presets.find((p) => p.name === "tiny")!;
    const src = join(root, "packed_experts");
    mkdirSync(src);
    const size = tiny.geometry.experts * tiny.record_bytes["2"];
    for (let l = 0; l < tiny.geometry.layers; l++)
      writeFileSync(join(src, `layer_${String(l).padStart(2, "0")}.bin`), new Uint8Array(size));
    const dst = join(root, "imported");
    importModel({ src, preset: "tiny", bits: 2, seed: 1, dst });
    checkModel(dst);
    using e = new Engine().setAll({ "model.dir": dst, "run.tokens": 2 }).open();
    expect(e.step(10_000)).toBe("done");

    truncateSync(join(src, "layer_01.bin"), size - 4096);
    const err = thrown(() => importModel({ src, preset: "tiny", bits: 2, seed: 1, dst: join(root, "imported-2") }));
    expect(err.status).toBe(Status.ERR_MODEL);
    expect(err.message).toContain(`layer_01.bin: expected ${size} bytes`);
  });
});
