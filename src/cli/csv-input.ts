/**
 * Where a command's CSV comes from: a file, or standard input (`--data -`), either of them possibly gzip-compressed —
 * found by gzip's two magic bytes at the start, whatever the name — and then decompressed as it streams, so a
 * `.csv.gz` never needs unpacking to disk first. Damaged gzip data stops the run with one line naming the input
 * (a truncated download, bytes after the last member), never a table of what came before. Other compressed or
 * archived data (zip, xz, bzip2, zstd) is refused by its magic bytes, with the pipe that would read it.
 */

import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { concat } from '../core/arrays.js';
import { UsageError } from './errors.js';

/** `-`: standard input as `--data`, standard output as `score --out`. */
export const DASH = '-';

/** Compressed or archived data by its first bytes: gzip is read; the others are refused, saying how to pipe them in. */
const FORMATS: Array<{ name: string; magic: Array<number | [number, number]>; pipe?: string }> = [
  { name: 'gzip', magic: [0x1f, 0x8b] },
  { name: 'a zip archive', magic: [0x50, 0x4b, 0x03, 0x04], pipe: 'unzip -p' },
  { name: 'xz data', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], pipe: 'xz -dc' },
  // "BZh", the block size ('1'–'9'), then the first block's magic (0x314159…): text starting "BZh" stays text.
  { name: 'bzip2 data', magic: [0x42, 0x5a, 0x68, [0x31, 0x39], 0x31, 0x41], pipe: 'bzip2 -dc' },
  { name: 'zstd data', magic: [0x28, 0xb5, 0x2f, 0xfd], pipe: 'zstd -dc' },
];
/** The most bytes a format's magic takes. */
const MAGIC_BYTES = 6;

/** The format `head` (the input's first bytes) starts with, if any. */
function formatOf(head: Uint8Array): (typeof FORMATS)[number] | undefined {
  return FORMATS.find(
    (f) => head.length >= f.magic.length && f.magic.every((b, i) => (typeof b === 'number' ? head[i] === b : head[i] >= b[0] && head[i] <= b[1])),
  );
}

/**
 * What errors call an input: its path, or "standard input".
 * @example
 * inputName('-'); // 'standard input'
 */
export function inputName(path: string): string {
  return path === DASH ? 'standard input' : path;
}

/**
 * Whether `path` is a file that can be read at any offset as CSV bytes: not standard input, not gzip (or other
 * compressed) data — what the threads that split a file at byte offsets need.
 * @example
 * if (isPlainFile(path)) await readInParallel(path); else await readInOneThread(path);
 */
export function isPlainFile(path: string): boolean {
  if (path === DASH) return false;
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(MAGIC_BYTES);
    return formatOf(head.subarray(0, readSync(fd, head, 0, MAGIC_BYTES, 0))) === undefined;
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
 * starts with gzip's magic bytes (one or more members, as `gzip -d` reads them). A zip archive, xz, bzip2 or zstd
 * data is refused with a UsageError naming the format and the command that pipes it in (it read as "not valid
 * UTF-8").
 * @example
 * for await (const chunk of csvInputChunks('applicants.csv.gz', { chunkBytes: 1 << 20 })) scanner.push(chunk);
 */
export async function* csvInputChunks(path: string, reading: InputReading): AsyncGenerator<Uint8Array> {
  const { chunkBytes, start = 0, onRead } = reading;
  const raw: Readable = path === DASH ? process.stdin : createReadStream(path, { start, highWaterMark: chunkBytes });
  const chunks = counted(raw, onRead);
  // The first bytes decide; a pipe may give them one at a time.
  let head: Uint8Array = new Uint8Array(0);
  let next = await chunks.next();
  while (!next.done && head.length < MAGIC_BYTES) {
    head = head.length ? concat(head, next.value) : next.value;
    next = await chunks.next();
  }
  const rest = async function* () {
    if (head.length) yield head;
    for (; !next.done; next = await chunks.next()) yield next.value;
  };
  const format = start === 0 ? formatOf(head) : undefined;
  if (format?.pipe) {
    const name = inputName(path);
    const how = path === DASH ? `${format.pipe} FILE | hamiltonian-ai … --data -` : `${format.pipe} ${path} | hamiltonian-ai … --data -`;
    await chunks.return(undefined); // (the file or pipe is not read further)
    throw new UsageError(`${name}: this is ${format.name}, not CSV; decompress it on the way in: ${how}`);
  }
  if (!format) {
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

/** One line for damaged gzip data; a read error (EIO, …) or a UsageError is passed on as it is. */
function gzipError(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  const name = inputName(path);
  if (code === 'Z_BUF_ERROR') return new UsageError(`${name}: the gzip data ends early (unexpected end of file): is the file complete?`);
  if (typeof code === 'string' && code.startsWith('Z_'))
    return new UsageError(`${name}: damaged gzip data (${(e as Error).message}; bytes after the last gzip member count as damage too)`);
  return e;
}
