import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { WasmRecordScanner } from '../backend/wasm/byte-scan.js';
import { ColumnTableReader } from '../data/column-reader.js';
import type { ColumnTable } from '../data/column-table.js';
import { CsvByteScanner, type ByteRecords } from '../data/csv-bytes.js';
import { UsageError } from './errors.js';
import { StrictUtf8 as Utf8Reader } from '../data/utf8.js';

/**
 * `data/utf8.ts`'s strict UTF-8 reader with Node's native check (several times faster than a JS scan on ASCII).
 * @example
 * const utf8 = new StrictUtf8('in.csv');
 * scanner.push(utf8.check(chunk));
 */
export class StrictUtf8 extends Utf8Reader {
  constructor(path: string, at?: { line: number; offset: number }) {
    super(path, at, isUtf8);
  }
}

/** Bytes read per call: big enough to be fast, small enough that an endless input fails at the record limit first. */
export const CHUNK_BYTES = 1 << 20;

/**
 * Reads a CSV file in chunks — decoded strictly, parsed and hashed as it is read — into a table by column (each
 * column's distinct texts once). Nothing holds the whole file's bytes or text: `/dev/zero`, or a file with no line
 * end, fails at the reader's record limit (16 Mi characters, naming the line) instead of growing until the process
 * dies. Errors name the file (and the line).
 * @example
 * const { table, sha256 } = readCsvFile('data/credit_data.csv');
 */
export function readCsvFile(path: string, source = path): { table: ColumnTable; sha256: string } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
  } catch (e) {
    throw cannotRead(path, e);
  }
  const hash = createHash('sha256');
  const utf8 = new StrictUtf8(source);
  const scanner = new CsvByteScanner({ source, plain: WasmRecordScanner.create() });
  const reader = new ColumnTableReader({ source });
  const take = (batch: ByteRecords) => reader.add(batch);
  const buffer = new Uint8Array(CHUNK_BYTES);
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      hash.update(chunk);
      take(scanner.push(utf8.check(chunk)));
    }
    utf8.check(new Uint8Array(0), true); // throws on a character the file ends inside (it holds back nothing else)
    take(scanner.end());
  } finally {
    closeSync(fd);
  }
  return { table: reader.finish(scanner.detectedDelimiter ?? ','), sha256: hash.digest('hex') };
}

/** The one-line error for a file that cannot be opened or read (missing, a directory, no permission, …). */
export function cannotRead(path: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException).code;
  return new UsageError(
    code === 'ENOENT' ? `${path}: no such file` : code === 'EISDIR' ? `${path}: is a directory` : `${path}: cannot read (${code ?? (e as Error).message})`,
  );
}

/**
 * A whole (small) text file as strict UTF-8, an invalid byte reported on its line; the byte-order mark is kept for the
 * CSV reader to strip.
 * @example
 * const text = readText('data/obqa_chains.csv');
 */
export function readText(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw cannotRead(path, e);
  }
  return new StrictUtf8(path).decode(bytes, true);
}
