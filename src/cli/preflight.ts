import { accessSync, constants, lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CommandSpec, Parsed } from './args.js';
import { UsageError } from './errors.js';
import { DASH } from './csv-input.js';

/**
 * Checks a command's files before any work (options marked `io: 'in'` or `io: 'out'` in its spec): inputs exist, are
 * files and are readable; outputs are not directories, not read-only, and their folder exists and is writable; and no
 * output names the same file as an input or another output (`train --out X --data X` would destroy the CSV). Errors
 * are one line naming the option and the path.
 * @example
 * preflight(trainSpec, parsed); // throws UsageError('--out and --data name the same file (…)')
 */
export function preflight(spec: CommandSpec, o: Parsed): void {
  const files: Array<{ flag: string; path: string; io: 'in' | 'out'; real: string }> = [];
  for (const [name, opt] of Object.entries(spec.options)) {
    const path = o[name];
    if (!opt.io || typeof path !== 'string' || path === '' || (opt.dash && path === DASH)) continue;
    const flag = `--${name}`;
    if (opt.io === 'in') checkInput(flag, path);
    else checkOutput(flag, path);
    files.push({ flag, path, io: opt.io, real: realOf(path) });
  }
  for (let a = 0; a < files.length; a++) {
    for (let b = a + 1; b < files.length; b++) {
      const [x, y] = [files[a], files[b]];
      if (x.real !== y.real || (x.io === 'in' && y.io === 'in')) continue;
      const [out, other] = x.io === 'out' ? [x, y] : [y, x];
      throw new UsageError(
        `${out.flag} and ${other.flag} name the same file (${out.path}): refusing to overwrite ${other.io === 'in' ? 'an input' : 'another output'}`,
      );
    }
  }
}

function checkInput(flag: string, path: string): void {
  if (path === DASH) throw new UsageError(`${flag} -: this command does not read standard input; name a file`);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${flag} ${path}: no such file` : `${flag} ${path}: cannot read (${code})`);
  }
  if (st.isDirectory()) throw new UsageError(`${flag} ${path}: is a directory, not a file`);
  try {
    accessSync(path, constants.R_OK);
  } catch (e) {
    throw new UsageError(`${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
}

function checkOutput(flag: string, path: string): void {
  if (path === DASH) throw new UsageError(`${flag} -: this command writes a file, not standard output; name a file (./- for one called -)`);
  let exists = true;
  try {
    const st = statSync(path); // follows a symlink: what matters is what would be written
    if (st.isDirectory()) throw new UsageError(`${flag} ${path}: is a directory; name a file`);
    if (st.isFile() && (st.mode & 0o222) === 0) throw new UsageError(`${flag} ${path}: is read-only; refusing to replace it`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${flag} ${path}: cannot write (${(e as NodeJS.ErrnoException).code})`);
    exists = false;
  }
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${flag} ${path}: ${dir} is not a directory`);
    if (!exists) accessSync(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${flag} ${path}: the folder ${dir} does not exist` : `${flag} ${path}: cannot write in ${dir} (${code})`);
  }
}

/** The real path a name refers to (through symlinks), for files that do not exist yet through their folder. */
function realOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/**
 * Where to write `path` so it lands where the user meant: a symlink is written through (its target is replaced, the
 * link kept), and a FIFO or device is written directly, not replaced by a regular file; `direct` says so.
 * @example
 * const { path: target, direct } = writeTarget('out.csv');
 */
export function writeTarget(path: string): { path: string; direct: boolean } {
  try {
    const lst = lstatSync(path);
    const real = lst.isSymbolicLink() ? realpathSync(path) : path;
    return { path: real, direct: !statSync(real).isFile() };
  } catch {
    return { path, direct: false };
  }
}
