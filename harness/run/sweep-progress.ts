// Progress of a sweep: a cli-progress bar (run i/n, tokens, current tok/s) on a terminal,
// plain lines otherwise (CI logs, pipes) — a line per run and at most one per 5 s in between.
// Model generation before the runs shows its progress the same way.

import cliProgress from "cli-progress";

export interface RunLabel { index: number; count: number; variant: string; repeat: number }

export interface SweepProgress {
  /** Work before the runs (generating a model): fraction done in [0, 1]. */
  task(name: string, fraction: number): void;
  runStarted(run: RunLabel, totalTokens: number): void;
  runProgress(tokens: number, totalTokens: number, tokS: number): void;
  runFinished(run: RunLabel, summary: string): void;
  note(line: string): void;
  stop(): void;
}

const label = (r: RunLabel) => `run ${r.index + 1}/${r.count} ${r.variant} (repeat ${r.repeat + 1})`;
const fmt = (tokS: number) => (tokS >= 100 ? tokS.toFixed(0) : tokS.toPrecision(3));

function barProgress(stream: NodeJS.WriteStream): SweepProgress {
  const bar = new cliProgress.SingleBar(
    { stream, format: "{what} |{bar}| {value}/{total} {unit} | {tokS} tok/s", hideCursor: true, clearOnComplete: true, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  let showing: string | null = null; // what the bar shows now, null when stopped
  const stop = () => {
    if (showing !== null) bar.stop();
    showing = null;
  };
  const show = (what: string, total: number, unit: string) => {
    stop();
    bar.start(Math.max(1, total), 0, { what, unit, tokS: "-" });
    showing = what;
  };
  return {
    task(name, fraction) {
      if (showing !== name) show(name, 100, "%");
      bar.update(Math.round(fraction * 100));
      if (fraction >= 1) stop();
    },
    runStarted: (run, total) => show(label(run), total, "tokens"),
    runProgress(tokens, total, tokS) {
      bar.setTotal(Math.max(1, total));
      bar.update(tokens, { tokS: fmt(tokS) });
    },
    runFinished(run, summary) {
      stop();
      stream.write(`${label(run)}: ${summary}\n`);
    },
    note(line) {
      stop();
      stream.write(`${line}\n`);
    },
    stop,
  };
}

function lineProgress(stream: NodeJS.WritableStream, everyMs = 5000): SweepProgress {
  let last = 0;
  let current: RunLabel | null = null;
  const due = () => Date.now() - last >= everyMs && (last = Date.now()) > 0;
  return {
    task(name, fraction) {
      if (fraction >= 1 || due()) stream.write(`${name}: ${(fraction * 100).toFixed(0)} %\n`);
    },
    runStarted(run, total) {
      current = run;
      last = Date.now();
      stream.write(`${label(run)}: ${total} tokens\n`);
    },
    runProgress(tokens, total, tokS) {
      if (current && due()) stream.write(`${label(current)}: ${tokens}/${total} tokens, ${fmt(tokS)} tok/s\n`);
    },
    runFinished(run, summary) {
      current = null;
      stream.write(`${label(run)}: ${summary}\n`);
    },
    note: (line) => void stream.write(`${line}\n`),
    stop: () => {},
  };
}

export function sweepProgress(stream: NodeJS.WriteStream = process.stdout): SweepProgress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}
