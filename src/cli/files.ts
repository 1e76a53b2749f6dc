import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { writeTarget } from './preflight.js';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.js';

/** Reads a whole file, with an error that names it. */
export function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `${path}: no such file` : code === 'EISDIR' ? `${path}: is a directory` : `${path}: cannot read (${code ?? (e as Error).message})`,
    );
  }
}

/** Reads a text file as strict UTF-8 (a byte-order mark is kept for the CSV reader to strip). */
export function readText(path: string): string {
  return decodeUtf8(readBytes(path), path);
}

/** Strict UTF-8 decoding; invalid bytes are an error naming the file and the line. */
export function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const i = firstInvalidUtf8(bytes);
    let line = 1;
    for (let j = 0; j < i; j++) if (bytes[j] === 10) line++;
    throw new UsageError(`${path}, line ${line}: not valid UTF-8 (byte offset ${i}); save the file as UTF-8`);
  }
}

/** Offset of the first byte that breaks UTF-8 (a linear scan of lead and continuation bytes). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= b.length) return i; // a bad lead byte, or a sequence cut off by the end
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes a file atomically: to a temporary name in the same directory, flushed to disk, then renamed over
 * the target — a reader (or a crash) sees the old file or the new one, never a partial one.
 */
export function writeAtomic(target: string, data: Uint8Array | string): void {
  const { path, direct } = writeTarget(target);
  if (direct) {
    // A FIFO or device: written as it is, never replaced by a regular file.
    try {
      writeFileSync(path, data);
      return;
    } catch (e) {
      throw new UsageError(`${target}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w');
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot write (${code ?? (e as Error).message})`);
  }
}

/** A temporary path beside `path` for streamed output that is renamed into place when complete. */
export function tempPathFor(path: string): string {
  const { path: real } = writeTarget(path);
  return join(dirname(real), `.${basename(real)}.${process.pid}.tmp`);
}
