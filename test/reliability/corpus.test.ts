/**
 * The bad-input corpus (test/corpus, made by make_corpus.py): every file either trains/scores correctly or
 * fails with exit code 2 and a one-line message naming the file, line and column — never a stack trace.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../src/index.js';
import { cli, ROOT, tempDir } from '../cli/helpers.js';

interface Case {
  file: string;
  command: 'train' | 'score';
  exit: number;
  stderr?: string;
  args?: string[];
  note?: string;
}

const dir = join(ROOT, 'test', 'corpus');
const cases: Case[] = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));
const work = tempDir();
const model = join(work, 'base.safetensors');

beforeAll(() => {
  const r = cli(['train', '--data', join(dir, 'base.csv'), '--target', 'y', '--positive', '1', '--out', model, '--epochs', '2', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
});

describe('bad-input corpus', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of cases) {
    it(`${c.command} ${c.file} → exit ${c.exit}${c.note ? ` (${c.note})` : ''}`, () => {
      const path = join(dir, c.file);
      const out = join(work, `${c.file}.out`);
      const args =
        c.command === 'train'
          ? ['train', '--data', path, '--target', 'y', '--positive', '1', '--out', out, '--epochs', '1', '--quiet', ...(c.args ?? [])]
          : ['score', '--model', model, '--data', path, '--out', out, '--quiet', ...(c.args ?? [])];
      const r = cli(args, { cwd: dir });
      expect(r.code, r.stderr).toBe(c.exit);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack traces for user errors
      if (c.stderr) expect(r.stderr).toMatch(new RegExp(c.stderr));
      if (c.exit === 2) {
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(() => readFileSync(out)).toThrow(); // nothing written
      }
      if (c.command === 'score' && c.exit === 0) {
        const input = parseCsv(readFileSync(path, 'utf8'), { ragged: 'keep' });
        const scored = parseCsv(readFileSync(out, 'utf8'), { ragged: 'keep' });
        expect(scored.rows.length).toBe(input.rows.length); // every row kept
        expect(scored.columns.slice(0, input.columns.length)).toEqual(input.columns);
      }
    });
  }

  it('reordered and extra columns give the same probabilities as the original order', () => {
    const probs = (file: string) => {
      const out = join(work, `${file}.p.csv`);
      expect(cli(['score', '--model', model, '--data', join(dir, file), '--out', out, '--quiet']).code).toBe(0);
      const t = parseCsv(readFileSync(out, 'utf8'));
      return t.rows.map((r) => r[t.columns.indexOf('probability')]);
    };
    const base = probs('score-semicolons.csv');
    expect(probs('score-reordered-columns.csv')).toEqual(base);
    expect(probs('score-extra-columns.csv')).toEqual(base);
  });
});
