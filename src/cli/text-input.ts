import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { WasmRecordScanner } from '../backend/wasm/byte-scan.js';
import { ColumnTableReader } from '../data/column-reader.js';
import type { ColumnTable } from '../data/column-table.js';
import { CsvByteScanner } from '../data/csv-bytes.js';
import { UsageError } from './errors.js';
import { StrictUtf8 as Utf8Reader } from '../data/utf8.js';
import { csvInputChunks, inputName } from './csv-input.js';

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
  const table = new CsvTableBuilder(source);
  const buffer = new Uint8Array(CHUNK_BYTES);
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      table.push(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return table.finish();
}

/**
 * `readCsvFile` for any input `csvInputChunks` reads: a file, standard input (`-`), gzip data from either. The
 * SHA-256 is the CSV's (the decompressed bytes): a file and its .gz copy hash alike.
 * @example
 * const { table, sha256 } = await readCsvInput('loans.csv.gz', 'loans.csv.gz');
 */
export async function readCsvInput(path: string, source = inputName(path)): Promise<{ table: ColumnTable; sha256: string }> {
  const table = new CsvTableBuilder(source);
  try {
    for await (const chunk of csvInputChunks(path, { chunkBytes: CHUNK_BYTES })) table.push(chunk);
  } catch (e) {
    // A file system's error (no such file, a directory, EIO) in one line; the CSV's and gzip's are that already.
    throw typeof (e as NodeJS.ErrnoException).syscall === 'string' ? cannotRead(path, e) : e;
  }
  return table.finish();
}

/** A CSV's bytes, pushed as they are read — decoded strictly, parsed and hashed — into a table by column. */
class CsvTableBuilder {
  private readonly hash = createHash('sha256');
  private readonly utf8: StrictUtf8;
  private readonly scanner: CsvByteScanner;
  private readonly reader: ColumnTableReader;

  constructor(source: string) {
    this.utf8 = new StrictUtf8(source);
    this.scanner = new CsvByteScanner({ source, plain: WasmRecordScanner.create() });
    this.reader = new ColumnTableReader({ source });
  }

  push(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.reader.add(this.scanner.push(this.utf8.check(chunk)));
  }

  finish(): { table: ColumnTable; sha256: string } {
    this.utf8.check(new Uint8Array(0), true); // throws on a character the file ends inside (it holds back nothing else)
    this.reader.add(this.scanner.end());
    return { table: this.reader.finish(this.scanner.detectedDelimiter ?? ','), sha256: this.hash.digest('hex') };
  }
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
