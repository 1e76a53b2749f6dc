import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { usableCores } from '../../src/cores.js';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { BIN, CREDIT, CREDIT_HEADER, ROOT, cli, largeCreditFile, tempDir } from './helpers.js';

/**
 * `score --workers 2` against `--workers 1` on files large enough to be split (over 8 MB): the output must be the
 * same bytes, and a bad file the same error — including where a block boundary falls inside a quoted cell, a bad
 * UTF-8 byte or an unbalanced quote lies in a later block, or lines end in CR LF.
 */
const dir = tempDir();
const model = join(dir, 'm.safetensors');
const header = CREDIT_HEADER;
/** Two threads, where the machine has two cores (the command runs no more threads than cores). */
const TWO = Math.min(2, usableCores());

/** A large file of credit rows in this test's directory (helpers.ts). */
const file = (name: string, row: (line: string, i: number) => string, options: Parameters<typeof largeCreditFile>[3] = {}) =>
  largeCreditFile(dir, name, row, options);

function both(data: string, extra: string[] = []) {
  const run = (workers: number) => {
    const out = join(dir, `${data.split('/').pop()}-${workers}.out.csv`);
    const r = cli(['score', '--model', model, '--data', data, '--out', out, '--workers', String(workers), '--json', '--quiet', ...extra]);
    const summary = r.stderr.split('\n').find((l) => l.startsWith('{'));
    return { code: r.code, stderr: r.stderr, out: existsSync(out) ? readFileSync(out) : null, summary: summary ? JSON.parse(summary) : null };
  };
  return { one: run(1), two: run(2) };
}

describe('score --workers: the one-thread output, from worker threads', () => {
  beforeAll(() => {
    expect(cli(['train', '--data', CREDIT, '--target', 'Status', '--positive', 'bad', '--out', model, '--epochs', '2', '--quiet']).code).toBe(0);
  });

  it('plain rows: the same bytes, every row scored, two workers used', () => {
    const { one, two } = both(file('plain.csv', (l) => l));
    expect(one.code).toBe(0);
    expect(two.summary).toMatchObject({ workers: TWO, failed: 0, rows: one.summary.rows });
    expect(one.summary.rows).toBeGreaterThan(130_000);
    expect(two.out!.equals(one.out!)).toBe(true);
    // A small file is not split: the summary says one thread scored it.
    const small = cli(['score', '--model', model, '--data', CREDIT, '--out', join(dir, 'small.csv'), '--workers', '2', '--json', '--quiet']);
    expect(JSON.parse(small.stderr.trim().split('\n').pop()!)).toMatchObject({ workers: 1, failed: 0 });
  });

  it('quoted cells with line feeds in every row (block cuts land inside quotes): the same bytes and line numbers', () => {
    const data = file('quoted.csv', (l, i) => `${l},"note ${i}\nsecond line, with a comma"`, { head: `${header},note` });
    const { one, two } = both(data, ['--reasons', '1']);
    expect(one.code).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(two.out!.equals(one.out!)).toBe(true);
    // The echoed input keeps its quotes and line feeds.
    expect(one.out!.toString('utf8', 0, 4000)).toMatch(/,"note 1\nsecond line, with a comma",0\.\d{6},/);
  });

  it('--keep (kept fields with commas, a ragged row): the same bytes from two workers, only the kept columns', () => {
    // (no line feed in a cell: a block cut inside quotes would hand the rest to one thread, and the workers' layout go untested)
    const data = file('kept.csv', (l, i) => (i === 70_001 ? `${l},extra,more` : `${l},"note ${i}, with a comma"`), { head: `${header},note` });
    const { one, two } = both(data, ['--keep', 'note,Status', '--reasons', '1']);
    expect(one.code, one.stderr).toBe(0);
    expect(two.summary).toMatchObject({ workers: TWO, failed: 1, rows: one.summary.rows });
    expect(two.out!.equals(one.out!)).toBe(true);
    const text = one.out!.toString('utf8', 0, 4000);
    expect(text.startsWith('note,Status,probability,decision,points,reason_1,')).toBe(true);
    expect(text).toMatch(/\n"note 1, with a comma",good,0\.\d{6},good,/);
  });

  it('rows that fail (unseen number text, ragged) deep in the file: the same score_error lines', () => {
    const data = file('failing.csv', (l, i) => (i === 90_000 ? l.replace(/^("\w+"),\d+/, '$1,ten') : i === 120_001 ? `${l},extra` : l));
    const { one, two } = both(data);
    expect(one.summary.failed).toBe(2);
    expect(two.out!.equals(one.out!)).toBe(true);
    expect(two.summary.failures).toEqual(one.summary.failures);
    expect(one.summary.failures.map((f: { line: number }) => f.line)).toEqual([90_002, 120_003]);
  });

  it('CR LF line endings: the same bytes', () => {
    const { one, two } = both(file('crlf.csv', (l) => l, { eol: '\r\n' }));
    expect(one.code).toBe(0);
    expect(two.out!.equals(one.out!)).toBe(true);
  });

  it('a byte that is not UTF-8, or a quote never closed, in a later block: the same error, no output file', () => {
    for (const [name, row, tail] of [
      ['latin1.csv', (l: string, i: number) => (i === 125_000 ? `${l.slice(0, -1)}\u00ff` : l), ''],
      ['unclosed.csv', (l: string) => l, '1,2,"3\n'],
      // Two records on every line, parted by a lone CR: the CSV reader's lines are not the line feeds UTF-8 errors count.
      ['latin1-cr.csv', (l: string, i: number) => (i === 60_000 ? `${l.slice(0, -1)}\u00ff` : `${l}\r${l}`), ''],
    ] as const) {
      const path = file(name, row, { tail });
      if (name.startsWith('latin1')) writeFileSync(path, Buffer.from(readFileSync(path, 'utf8'), 'latin1'));
      const { one, two } = both(path);
      expect(one.code, one.stderr).toBe(2);
      expect(two.code).toBe(2);
      expect(two.stderr).toBe(one.stderr);
      expect(one.stderr).toMatch(
        { 'latin1.csv': /line 125002: not valid UTF-8/, 'latin1-cr.csv': /line 60002: not valid UTF-8/ }[name as string] ?? /unbalanced quote/,
      );
      expect(two.out).toBeNull();
    }
  });
});

describe('score --workers from gzip data and standard input: the plain file’s bytes and errors, from worker threads', () => {
  /** `score --workers 2` reading `path` gzip-compressed (`gz`) or on standard input (`pipe`). */
  function streamed(path: string, how: 'gz' | 'pipe') {
    const out = join(dir, `${path.split('/').pop()}-${how}.out.csv`);
    const data = how === 'gz' ? `${path}.gz` : '-';
    if (how === 'gz') writeFileSync(data, gzipSync(readFileSync(path), { level: 1 }));
    const r = spawnSync(process.execPath, [BIN, 'score', '--model', model, '--data', data, '--out', out, '--workers', '2', '--json', '--quiet'], {
      cwd: ROOT,
      input: how === 'pipe' ? readFileSync(path) : undefined,
      timeout: 120_000,
    });
    const stderr = r.stderr.toString();
    const summary = stderr.split('\n').find((l) => l.startsWith('{'));
    return {
      code: r.status,
      stderr: stderr.replaceAll(`${path}.gz`, path).replaceAll('standard input', path),
      out: existsSync(out) ? readFileSync(out) : null,
      summary: summary ? JSON.parse(summary) : null,
    };
  }
  const one = (path: string) => both(path).one;

  it('rows that fail deep in the input (scored again told their lines), and cells with line feeds (the one-thread path takes over)', () => {
    const failing = join(dir, 'failing.csv'); // (made by the file-splitting tests above)
    const quoted = join(dir, 'quoted.csv');
    for (const path of [failing, quoted]) {
      const plain = one(path);
      expect(plain.code).toBe(0);
      for (const how of ['gz', 'pipe'] as const) {
        const s = streamed(path, how);
        expect(s.code, s.stderr).toBe(0);
        expect(s.out!.equals(plain.out!), `${path} ${how}`).toBe(true);
        expect(s.summary).toMatchObject({ workers: TWO, rows: plain.summary.rows, failed: plain.summary.failed, failures: plain.summary.failures });
      }
    }
  });

  it('a byte that is not UTF-8 or a quote never closed in a later block, and damaged gzip after good blocks: the one-thread error', () => {
    for (const name of ['latin1.csv', 'unclosed.csv', 'latin1-cr.csv']) {
      const path = join(dir, name);
      const plain = one(path);
      expect(plain.code).toBe(2);
      for (const how of ['gz', 'pipe'] as const) {
        const s = streamed(path, how);
        expect(s.code).toBe(2);
        expect(s.stderr).toBe(plain.stderr);
        expect(s.out).toBeNull();
      }
    }
    // Truncated gzip data: blocks before the damage are scored by the workers; the error is the one-thread path's.
    const gz = readFileSync(`${join(dir, 'failing.csv')}.gz`);
    const cut = join(dir, 'cut.csv.gz');
    writeFileSync(cut, gz.subarray(0, gz.length - 1000));
    const r = cli(['score', '--model', model, '--data', cut, '--out', join(dir, 'cut.out.csv'), '--workers', '2', '--quiet']);
    const single = cli(['score', '--model', model, '--data', cut, '--out', join(dir, 'cut.out.csv'), '--workers', '1', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`hamiltonian-ai score: ${cut}: the gzip data ends early (unexpected end of file): is the file complete?\n`);
    expect(r.stderr).toBe(single.stderr);
    expect(existsSync(join(dir, 'cut.out.csv'))).toBe(false);
  });
});
