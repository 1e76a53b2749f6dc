/**
 * Where a command's CSV comes from: a file, or standard input (`--data -`), either of them possibly gzip-compressed —
 * found by gzip's two magic bytes at the start, whatever the name — and then decompressed as it streams, so a
 * `.csv.gz` never needs unpacking to disk first. Damaged gzip data stops the run with one line naming the input
 * (a truncated download, bytes after the last member), never a table of what came before.
 */

import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UsageError } from './errors.js';

/** `-`: standard input as `--data`, standard output as `score --out`. */
export const DASH = '-';

const GZIP_ID1 = 0x1f;
const GZIP_ID2 = 0x8b;

/**
 * What errors call an input: its path, or "standard input".
 * @example
 * inputName('-'); // 'standard input'
 */
export function inputName(path: string): string {
  return path === DASH ? 'standard input' : path;
}

/**
 * Whether `path` is a file that can be read at any offset as CSV bytes: not standard input, not gzip data (what the
 * threads that split a file at byte offsets need).
 * @example
 * if (isPlainFile(path)) await readInParallel(path); else await readInOneThread(path);
 */
export function isPlainFile(path: string): boolean {
  if (path === DASH) return false;
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(2);
    return !(readSync(fd, head, 0, 2, 0) === 2 && head[0] === GZIP_ID1 && head[1] === GZIP_ID2);
  } finally {
    closeSync(fd);
  }
}

/** How `csvInputChunks` reads. */
export interface InputReading {
  /** Bytes a read asks for (file and decompressed chunks). */
  chunkBytes: number;
  /** Where in a plain file to start (a gzip file or standard input is read from its start). */
  start?: number;
  /** Told how many bytes were read from the file or pipe (compressed bytes for gzip data): for progress. */
  onRead?: (bytes: number) => void;
}

/**
 * The CSV bytes of `path` (a file, or `-` for standard input) as they are read — decompressed where the input
 * starts with gzip's magic bytes (one or more members, as `gzip -d` reads them).
 * @example
 * for await (const chunk of csvInputChunks('applicants.csv.gz', { chunkBytes: 1 << 20 })) scanner.push(chunk);
 */
export async function* csvInputChunks(path: string, reading: InputReading): AsyncGenerator<Uint8Array> {
  const { chunkBytes, start = 0, onRead } = reading;
  const raw: Readable = path === DASH ? process.stdin : createReadStream(path, { start, highWaterMark: chunkBytes });
  const chunks = counted(raw, onRead);
  // Two bytes decide; a pipe may give them one at a time.
  let head: Uint8Array = new Uint8Array(0);
  let next = await chunks.next();
  while (!next.done && head.length < 2) {
    head = joined(head, next.value);
    next = await chunks.next();
  }
  const rest = async function* () {
    if (head.length) yield head;
    for (; !next.done; next = await chunks.next()) yield next.value;
  };
  if (start !== 0 || head[0] !== GZIP_ID1 || head[1] !== GZIP_ID2) {
    yield* rest();
    return;
  }
  const compressed = Readable.from(rest(), { objectMode: false });
  const gunzip = createGunzip({ chunkSize: Math.max(64, chunkBytes) }); // (zlib's least)
  compressed.on('error', (e) => gunzip.destroy(e));
  compressed.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    throw gzipError(path, e);
  } finally {
    compressed.destroy();
  }
}

/** The raw stream's chunks, each told to `onRead`. */
async function* counted(raw: Readable, onRead?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of raw) {
    onRead?.((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  const both = new Uint8Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  return both;
}

/** One line for damaged gzip data; a read error (EIO, …) or a UsageError is passed on as it is. */
function gzipError(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  const name = inputName(path);
  if (code === 'Z_BUF_ERROR') return new UsageError(`${name}: the gzip data ends early (unexpected end of file): is the file complete?`);
  if (typeof code === 'string' && code.startsWith('Z_'))
    return new UsageError(`${name}: damaged gzip data (${(e as Error).message}; bytes after the last gzip member count as damage too)`);
  return e;
}
