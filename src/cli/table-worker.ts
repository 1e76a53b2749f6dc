// A worker thread of `train`/`evaluate` reading a large file (cli/table-read.ts): reads its part of the file into a
// table by column, as if the part started a record, and posts it back with whether it ended where a record did.
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { WasmRecordScanner } from '../backend/wasm/byte-scan.js';
import { ColumnTableReader } from '../data/column-reader.js';
import { CsvByteScanner } from '../data/csv-bytes.js';
import type { Delimiter } from '../data/csv.js';
import { readSpan, type TablePart } from './table-read.js';
import { CHUNK_BYTES, StrictUtf8 } from './text-input.js';

const job = workerData as { path: string; start: number; end: number; delimiter: Delimiter; source: string; last: boolean };

function readPart(): TablePart {
  const scanner = new CsvByteScanner({ source: job.source, delimiter: job.delimiter, line: 1, plain: WasmRecordScanner.create() });
  // (Line numbers of errors here are not the file's; any error sends the file back to one thread, which names it.)
  const utf8 = new StrictUtf8(job.source);
  const reader = new ColumnTableReader({ header: false, source: job.source });
  const buffer = new Uint8Array(CHUNK_BYTES);
  const fd = openSync(job.path, 'r');
  try {
    readSpan(fd, buffer, job.start, job.end, job.path, (chunk) => reader.add(scanner.push(utf8.check(chunk))));
  } finally {
    closeSync(fd);
  }
  utf8.check(new Uint8Array(0), true);
  if (job.last) reader.add(scanner.end());
  const table = reader.rowCount ? reader.finish(job.delimiter) : null;
  return { table, nextLine: scanner.nextLine, clean: job.last || scanner.pendingBytes === 0 };
}

try {
  const part = readPart();
  const buffers = part.table ? [part.table.lines, ...part.table.cells.map((c) => c.codes)].map((a) => (a as Int32Array).buffer as ArrayBuffer) : [];
  parentPort!.postMessage(part, buffers);
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message });
}
