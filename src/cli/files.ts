import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { writeTarget } from './preflight.js';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.js';
import { cannotRead } from './text-input.js';

/** Reads a whole file, with an error that names it. */
export function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw cannotRead(path, e);
  }
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
  const tmp = tempPathFor(path);
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

/**
 * A temporary path beside `path` (`.NAME.PID.tmp`) for output that is renamed into place when complete. Temporary
 * files of the same target left by processes that no longer exist (a run killed mid-write) are removed first, so a
 * crash costs disk space only until the next write of that file.
 */
export function tempPathFor(path: string): string {
  const { path: real } = writeTarget(path);
  const dir = dirname(real),
    name = basename(real);
  removeStaleTemps(dir, name);
  return join(dir, `.${name}.${process.pid}.tmp`);
}

function removeStaleTemps(dir: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return; // an unreadable directory: the write itself will say so
  }
  const prefix = `.${name}.`;
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const pid = entry.slice(prefix.length, -'.tmp'.length);
    if (!/^[1-9][0-9]{0,9}$/.test(pid) || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    rmSync(join(dir, entry), { force: true });
  }
}

/** Whether a process with this id exists (signal 0 checks without sending; EPERM: it exists, owned by another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
