import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { usableCores } from '../../src/cores.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvFileInParallel } from '../../dist/cli/table-read.js';
import { CREDIT_HEADER, CREDIT_ROWS, cli, largeCreditFile, tempDir } from './helpers.js';

/**
 * `train --workers 2` against `--workers 1` on files large enough to be read in two parts (over 8 MB): the same model
 * bytes, and for a bad file the same error — where the cut falls inside a quoted cell, a bad row, a bad UTF-8 byte or
 * an unbalanced quote lies in the second part or the first, or lines end in CR LF. `evaluate` reads the same way.
 */
const dir = tempDir();
const [header, body] = [CREDIT_HEADER, CREDIT_ROWS];

/** A large file of credit rows in this test's directory (helpers.ts). */
const file = (name: string, row: (line: string, i: number) => string, options: Parameters<typeof largeCreditFile>[3] = {}) =>
  largeCreditFile(dir, name, row, options);

/**
 * The file read by one thread and by `threads` (the reader itself: the command line runs no more threads than cores,
 * and three parts must be tested on a two-core machine too): the same table and SHA-256, or the same error.
 */
async function readBoth(path: string, threads: number) {
  const read = (n: number) =>
    readCsvFileInParallel(path, path, n).then(
      (r) => ({ ...r, error: null }),
      (e: Error) => ({ table: null, sha256: null, error: e.message }),
    );
  const [one, more] = [await read(1), await read(threads)];
  expect(more.error).toBe(one.error);
  expect(more.sha256).toBe(one.sha256);
  expect(more.table).toEqual(one.table);
  return one;
}

/** `train` on `data` with 1 and with 2 (or `more`) threads reading. */
function both(data: string, more = 2) {
  const run = (workers: number) => {
    const out = join(dir, `${data.split('/').pop()}-${workers}.safetensors`);
    const r = cli([
      'train',
      ...['--data', data, '--target', 'Status', '--positive', 'bad', '--out', out, '--workers', String(workers)],
      ...['--hidden', '8', '--epochs', '1', '--batch-size', '512', '--patience', '0', '--no-baseline', '--json', '--quiet'],
    ]);
    const summary = r.stdout.split('\n').find((l) => l.startsWith('{'));
    return { code: r.code, stderr: r.stderr, model: existsSync(out) ? readFileSync(out) : null, summary: summary ? JSON.parse(summary) : null };
  };
  return { one: run(1), two: run(more) };
}

describe('train --workers: the one-thread table, read on two threads', () => {
  it('plain rows: the same model bytes, read by two threads; evaluate on two threads gives the same output', () => {
    const data = file('plain.csv', (l) => l);
    const { one, two } = both(data);
    expect(one.code, one.stderr).toBe(0);
    expect(one.summary.timing.readThreads).toBe(1);
    expect(two.summary.timing.readThreads).toBe(Math.min(2, usableCores())); // no more threads than cores
    expect(two.model!.equals(one.model!)).toBe(true);
    const evaluate = (workers: number) =>
      cli(['evaluate', '--model', join(dir, 'plain.csv-1.safetensors'), '--data', data, '--workers', String(workers), '--json']);
    const [e1, e2] = [evaluate(1), evaluate(2)];
    expect(e1.code, e1.stderr).toBe(0);
    expect(e2.stdout).toBe(e1.stdout);
    expect(JSON.parse(e1.stdout).rows.scored).toBeGreaterThan(100_000);
  });

  it('cuts inside quoted cells whose lines read as rows of the right width, and CR LF line ends: the same model bytes', async () => {
    // After the first ~4.5 MB, each row's last cell holds 6 line feeds and, between them, what reads as a row of 15
    // fields: a cut inside it starts a part that reads cleanly but wrongly — only the check that the part before it
    // ended clean catches it. Two threads cut at ~6 MB (the first part, this thread's, ends inside a cell); three at
    // ~4.2 MB (clean) and ~8.3 MB (the second part, a worker's, ends inside a cell).
    const inner = `${body[0].replaceAll('"', '')},x`;
    const quoted = file('quoted.csv', (l, i) => (i < 75_000 ? `${l},` : `${l},"${Array(7).fill(inner).join('\n')}"`), {
      head: `${header},note`,
      mb: 12.5,
    });
    for (const path of [quoted, file('crlf.csv', (l) => l, { eol: '\r\n' })]) {
      const { one, two } = both(path);
      expect(one.code, one.stderr).toBe(0);
      expect(two.model!.equals(one.model!)).toBe(true);
    }
    expect((await readBoth(quoted, 3)).error).toBeNull();
  });

  it('a ragged row, a word in a number column, a byte that is not UTF-8 or a quote never closed, in a later part or the first: the same error, no model', async () => {
    for (const [name, row, tail, message, more] of [
      ['ragged-late.csv', (l: string, i: number) => (i === 120_001 ? `${l},extra` : l), '', /line 120003: expected 14 fields, found 15/],
      ['ragged-early.csv', (l: string, i: number) => (i === 1_000 ? `${l},extra` : l), '', /line 1002: expected 14 fields, found 15/],
      ['text-late.csv', (l: string, i: number) => (i === 120_001 ? l.replace(/^("\w+"),\d+/, '$1,ten') : l), '', /line 120003/],
      // (in the third of three parts: its lines move by the first two parts' lines)
      ['text-last.csv', (l: string, i: number) => (i === 180_001 ? l.replace(/^("\w+"),\d+/, '$1,ten') : l), '', /line 180003/, 3],
      ['latin1.csv', (l: string, i: number) => (i === 125_000 ? `${l.slice(0, -1)}\u00ff` : l), '', /line 125002: not valid UTF-8/],
      ['unclosed.csv', (l: string) => l, '"bad",1,2,"3\n', /unbalanced quote/],
    ] as const) {
      const threads = (more as number | undefined) ?? 2;
      const path = file(name, row, { tail, mb: threads === 3 ? 12.5 : 9.5 });
      if (name === 'latin1.csv') writeFileSync(path, Buffer.from(readFileSync(path, 'utf8'), 'latin1'));
      if (threads === 3) {
        // The same table (its line numbers included) or the same error from three parts as from one; a table's
        // error comes when training reads its cells, here from one thread.
        const read = await readBoth(path, 3);
        expect(read.error ?? both(path).one.stderr).toMatch(message);
        continue;
      }
      const { one, two } = both(path);
      expect(one.code, one.stderr).toBe(2);
      expect(two.code).toBe(2);
      expect(two.stderr).toBe(one.stderr);
      expect(one.stderr).toMatch(message);
      expect(two.model).toBeNull();
    }
  });
});
