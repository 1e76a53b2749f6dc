import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const BIN = join(ROOT, 'bin', 'hamiltonian-ai.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (npm test builds dist first). */
export function cli(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    input: options.input,
    timeout: 120_000,
    env: { ...process.env, ...options.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hai-test-'));
}

/** data/credit_data.csv's header and rows (for files made large from them). */
export const CREDIT = join(ROOT, 'data', 'credit_data.csv');
export const [CREDIT_HEADER, ...CREDIT_ROWS] = readFileSync(CREDIT, 'utf8').trim().split('\n');

/**
 * A CSV file of ~`mb` MB (default 9.5: large enough to be split across threads) in `dir`: a header and credit rows
 * cycled, each through `row`; lines end in `eol`, and `tail` follows the last.
 */
export function largeCreditFile(
  dir: string,
  name: string,
  row: (line: string, i: number) => string,
  options: { head?: string; eol?: string; tail?: string; mb?: number } = {},
): string {
  const eol = options.eol ?? '\n';
  const parts: string[] = [options.head ?? CREDIT_HEADER];
  for (let i = 0, bytes = 0; bytes < (options.mb ?? 9.5) * 2 ** 20; i++) {
    const line = row(CREDIT_ROWS[i % CREDIT_ROWS.length], i);
    parts.push(line);
    bytes += line.length + eol.length;
  }
  const path = join(dir, name);
  writeFileSync(path, parts.join(eol) + eol + (options.tail ?? ''));
  return path;
}
