// runs.jsonl, the truth of a result set: one JSON record per line, appended and fsync'd run by
// run. A harness killed mid-write can leave one torn last line; it is cut off before appending.

import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import type { RunRecord } from "./run-record.ts";

/** Appends one record as a single write and syncs it to the device before returning. */
export function appendRecord(path: string, record: RunRecord): void {
  const fd = openSync(path, "a");
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Parses every complete line; an unterminated or unparseable last line is reported as torn. */
export function readRecords(path: string): { records: RunRecord[]; tornBytes: number } {
  if (!existsSync(path)) return { records: [], tornBytes: 0 };
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const tail = lines.pop() ?? ""; // text after the last newline: "" when the file is whole
  const records: RunRecord[] = [];
  let tornBytes = Buffer.byteLength(tail);
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      records.push(JSON.parse(line) as RunRecord);
    } catch (err) {
      if (i === lines.length - 1 && tail === "") tornBytes = Buffer.byteLength(line) + 1;
      else throw new Error(`${path}:${i + 1}: not a JSON record (${(err as Error).message})`);
    }
  });
  return { records, tornBytes };
}

/** Cuts a torn last line off so the next append starts on a line of its own. */
export function repairTail(path: string): number {
  const { tornBytes } = readRecords(path);
  if (tornBytes === 0) return 0;
  const size = Buffer.byteLength(readFileSync(path));
  const fd = openSync(path, "r+");
  try {
    ftruncateSync(fd, size - tornBytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tornBytes;
}
