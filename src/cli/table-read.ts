/**
 * `train` and `evaluate` read a large file on several threads. The file is cut just after a line feed into one part
 * per thread; this thread reads the first part (the header with it) and hashes the whole file, each worker
 * (cli/table-worker.ts) reads its part into a table by column as if it started a record, and the parts are joined
 * (`joinColumnTables`). That guess is checked, not trusted: every part but the last must end exactly where its last
 * record did (a line feed inside a quoted cell leaves one open) and a worker's part must read without an error;
 * otherwise the whole file is read again in one thread (`readCsvFile`), which gives the table, or the error with its
 * line, that one thread gives. An error in the first part is the file's first error, and is thrown as it is.
 * Standard input and gzip data cannot be cut at byte offsets: they are read in this thread as they stream.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { WasmRecordScanner } from '../backend/wasm/byte-scan.js';
import { ColumnTableReader, joinColumnTables } from '../data/column-reader.js';
import type { ColumnTable } from '../data/column-table.js';
import { CsvByteScanner } from '../data/csv-bytes.js';
import { UsageError } from './errors.js';
import { CHUNK_BYTES, StrictUtf8, readCsvFile, readCsvInput } from './text-input.js';
import { DASH, isPlainFile } from './csv-input.js';

/** The least a thread is given: below it, starting one costs more than it saves. */
const PART_MIN_BYTES = 4 << 20;
/**
 * Threads reading by default: the cores (`workerThreads`), at most 4 — past that the join and this thread's share
 * dominate, and each worker is an isolate of its own (tens of MB: 24 of them would take more memory than the table).
 */
export const READ_THREADS_AT_MOST = 4;
/** How far past a cut point a line feed is looked for before the cut is given up. */
const LINE_SEARCH_BYTES = 1 << 20;

/** A worker's part: its rows (null when it has none), the line after it (counted from 1), and whether it ended clean. */
export interface TablePart {
  table?: ColumnTable | null;
  nextLine?: number;
  clean?: boolean;
  error?: string;
}

/**
 * `readCsvFile` on up to `threads` threads (the file's table and SHA-256, the same as one thread's; see the file
 * comment), and how many threads read it. A file under 8 MB, one thread asked for, or a file without line feeds is read in this thread.
 * @example
 * const { table, sha256 } = await readCsvFileInParallel('loans.csv', 'loans.csv', 2);
 */
export async function readCsvFileInParallel(path: string, source: string, threads: number): Promise<{ table: ColumnTable; sha256: string; threads: number }> {
  if (!plainFile(path)) return { ...(await readCsvInput(path, source)), threads: 1 }; // standard input, gzip data
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return oneThread(path, source); // (which says why it cannot)
  }
  const workers: Worker[] = [];
  try {
    const stat = fstatSync(fd);
    const parts = Math.min(threads, Math.floor(stat.size / PART_MIN_BYTES));
    if (!stat.isFile() || parts < 2) return oneThread(path, source);
    const size = stat.size;
    const buffer = new Uint8Array(CHUNK_BYTES);
    const hash = createHash('sha256');
    const utf8 = new StrictUtf8(source);
    const scanner = new CsvByteScanner({ source, plain: WasmRecordScanner.create() });
    const reader = new ColumnTableReader({ source });
    let position = 0;
    /** Reads on to `end`: hashed always, parsed while `parse`. */
    const readTo = (end: number, parse: boolean) => {
      readSpan(fd, buffer, position, end, path, (chunk) => {
        hash.update(chunk);
        if (parse) reader.add(scanner.push(utf8.check(chunk)));
      });
      position = end;
    };
    readTo(CHUNK_BYTES, true);
    const delimiter = scanner.detectedDelimiter;
    const cuts = cutPoints(fd, size, parts, position);
    // The header and a row read (so the delimiter is known), and somewhere to cut: else one thread reads it all.
    if (delimiter === null || reader.rowCount === 0 || cuts.length === 0) return oneThread(path, source);
    const bounds = [...cuts, size];
    const results = bounds.slice(0, -1).map((start, k) => {
      const worker = new Worker(new URL('./table-worker.js', import.meta.url), {
        workerData: { path, start, end: bounds[k + 1], delimiter, source, last: k + 2 === bounds.length },
      });
      workers.push(worker);
      return new Promise<TablePart>((resolve) => {
        worker.once('message', resolve);
        worker.once('error', (e: Error) => resolve({ error: e.message }));
        worker.once('exit', () => resolve({ error: 'the worker stopped' }));
      });
    });
    readTo(cuts[0], true);
    const clean = scanner.pendingBytes === 0;
    readTo(size, false); // the hash covers the whole file, as one thread's does
    const sha256 = hash.digest('hex');
    const done = await Promise.all(results);
    const width = reader.width;
    if (!clean || done.some((p) => p.error !== undefined || !p.clean || (p.table && p.table.columns.length !== width))) return oneThread(path, source);
    const tables = [reader.finish(delimiter)];
    const shift = [0];
    let line = scanner.nextLine;
    for (const part of done) {
      if (part.table) {
        tables.push(part.table);
        shift.push(line - 1);
      }
      line += part.nextLine! - 1;
    }
    return { table: joinColumnTables(tables, shift), sha256, threads: bounds.length };
  } finally {
    closeSync(fd);
    for (const w of workers) void w.terminate();
  }
}

/**
 * Hands bytes [from, to) of an open file to `each`, a buffer's worth at a time (the same buffer each time); a file
 * that ends before `to` is a UsageError naming `path`.
 * @example
 * readSpan(fd, new Uint8Array(1 << 20), start, end, path, (chunk) => hash.update(chunk));
 */
export function readSpan(fd: number, buffer: Uint8Array, from: number, to: number, path: string, each: (chunk: Uint8Array) => void): void {
  for (let at = from; at < to; ) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, to - at), at);
    if (n === 0) throw new UsageError(`${path}: the file shrank while it was read`);
    each(buffer.subarray(0, n));
    at += n;
  }
}

/** A file that can be split at byte offsets (a missing one too: `oneThread` says why it cannot be read). */
function plainFile(path: string): boolean {
  try {
    return isPlainFile(path);
  } catch {
    return path !== DASH;
  }
}

function oneThread(path: string, source: string) {
  return { ...readCsvFile(path, source), threads: 1 };
}

/**
 * Where parts 2…n start: just after the first line feed at or past each k/n of the file (and past `from`, what is
 * read already); a cut with no line feed near it is left out, so fewer parts are made.
 */
function cutPoints(fd: number, size: number, parts: number, from: number): number[] {
  const cuts: number[] = [];
  const window = new Uint8Array(LINE_SEARCH_BYTES);
  for (let k = 1; k < parts; k++) {
    const at = Math.max(Math.floor((k * size) / parts), from, cuts.length ? cuts[cuts.length - 1] : 0);
    const n = readSync(fd, window, 0, window.length, at);
    const lf = window.subarray(0, n).indexOf(0x0a);
    if (lf >= 0 && at + lf + 1 < size) cuts.push(at + lf + 1);
  }
  return cuts;
}
