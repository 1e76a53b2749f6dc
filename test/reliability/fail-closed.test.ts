/**
 * Issue 15, "Decisions without probabilities": no path that produces a credit decision may produce it without a
 * finite probability in [0, 1]. Values beyond float32, models whose forward pass can overflow, and scores that are
 * not probabilities are errors naming the record (or line) and the column. Each case failed on 192bed9.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DataError, HamiltonianNN, ModelFormatError, Rng, ScoringError, parseCsv, prepareTable } from '../../src/index.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { loadScorerSync } from '../../src/score/index.js';

const table = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Status', positive: 'bad', seed: 1, applySmote: false });
const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [8], seed: 1, backend: 'js' });
const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON() });
const record = Object.fromEntries(table.columns.map((c, j) => [c, table.rows[0][j]]));
const numeric = prep.preprocessor.features.find((f) => f.kind === 'numeric')!.name;

describe('values beyond float32 are data errors, never a NaN probability', () => {
  for (const engine of ['wasm', 'js'] as const) {
    const scorer = loadScorerSync(bytes, { engine });
    it.each([1e39, -3.5e38, 1e300, '1e39', '-3.5e38', '1e300'])(`${engine}: score({ ${numeric}: %s }) throws a ScoringError naming the column`, (v) => {
      const err = (() => {
        try {
          scorer.score({ ...record, [numeric]: v });
        } catch (e) {
          return e as ScoringError;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(ScoringError);
      expect(err).toBeInstanceOf(DataError);
      expect(err!.column).toBe(numeric);
      expect(err!.message).toMatch(/float32|standard deviations/);
    });
    it(`${engine}: numeric Infinity and NaN in a record are refused like the strings, not imputed`, () => {
      for (const v of [Infinity, -Infinity, NaN]) expect(() => scorer.score({ ...record, [numeric]: v })).toThrow(ScoringError);
    });
    it(`${engine}: scoreBatch names the record; explain and decide refuse too`, () => {
      expect(() => scorer.scoreBatch([record, { ...record, [numeric]: 1e39 }])).toThrow(/record 1/);
      expect(() => scorer.explain({ ...record, [numeric]: '1e39' })).toThrow(ScoringError);
      expect(() => scorer.decide({ ...record, [numeric]: '1e39' })).toThrow(ScoringError);
    });
    it(`${engine}: scoreEncoded refuses rows whose probability would not be finite (NaN or ∞ in the encoded row)`, () => {
      const x = new Float32Array(prep.test.x.subarray(0, 3 * prep.test.cols));
      x[prep.test.cols + 2] = Infinity;
      expect(() => scorer.scoreEncoded(x, 3)).toThrow(/row 1/);
    });
  }

  it('training data with a cell beyond float32 is a DataError naming line and column', () => {
    const rows = table.rows.map((r) => [...r]);
    const j = table.columns.indexOf(numeric);
    rows[5][j] = '1e39';
    expect(() => prepareTable({ ...table, rows }, { target: 'Status', positive: 'bad', seed: 1 })).toThrow(
      expect.objectContaining({ line: table.lines[5], column: numeric, message: expect.stringMatching(/float32/) }),
    );
  });
});

describe('model files whose forward pass can overflow are refused at load', () => {
  const reencode = (mutate: (m: HamiltonianNN, pre: ReturnType<typeof prep.preprocessor.toJSON>) => void) => {
    const m = HamiltonianNN.fromState(model.state(), { backend: 'js' });
    const pre = structuredClone(prep.preprocessor.toJSON());
    mutate(m, pre);
    return encodeModel(m, { preprocessor: pre });
  };
  it.each([
    ['weights of 3e38', (m: HamiltonianNN) => m.parameters()[0].data.fill(3e38), /layers\.0\.weight|overflow/],
    ['a scale of 1e-300', (_m: HamiltonianNN, pre: { scale: number[] }) => (pre.scale[0] = 1e-300), /scale/],
    ['a mean of 1e300', (_m: HamiltonianNN, pre: { mean: number[] }) => (pre.mean[0] = 1e300), /mean/],
  ] as const)('%s: decodeModel and the scorer throw ModelFormatError', (_, mutate, message) => {
    const b = reencode(mutate as never);
    expect(() => decodeModel(b)).toThrow(ModelFormatError);
    expect(() => decodeModel(b)).toThrow(message);
    expect(() => loadScorerSync(b)).toThrow(ModelFormatError);
  });
  it('a sound model still loads, and a random one scores every record of the file to a probability in [0, 1]', () => {
    const scorer = loadScorerSync(bytes);
    const rng = new Rng(1);
    for (let i = 0; i < 200; i++) {
      const row = table.rows[rng.int(table.rows.length)];
      const p = scorer.score(Object.fromEntries(table.columns.map((c, j) => [c, row[j]])));
      expect(p >= 0 && p <= 1).toBe(true);
    }
  });
});

describe('the CLI writes no decision without a probability', () => {
  it('score: a 1e39 cell, a "-3.5e38" cell and a 1e300 cell each get score_error and an empty decision; the other rows are scored', async () => {
    const { cli, tempDir } = await import('../cli/helpers.js');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = tempDir();
    const modelPath = join(dir, 'm.safetensors');
    writeFileSync(modelPath, bytes);
    const j = table.columns.indexOf(numeric);
    const rows = table.rows.slice(0, 6).map((r) => [...r]);
    rows[1][j] = '1e39';
    rows[3][j] = '-3.5e38';
    rows[4][j] = '1e300';
    writeFileSync(join(dir, 'in.csv'), `${[table.columns, ...rows].map((r) => r.join(',')).join('\n')}\n`);
    const r = cli(['score', '--model', modelPath, '--data', join(dir, 'in.csv'), '--out', join(dir, 'out.csv'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const out = parseCsv(readFileSync(join(dir, 'out.csv'), 'utf8'));
    const [pi, di, ei] = ['probability', 'decision', 'score_error'].map((c) => out.columns.indexOf(c));
    out.rows.forEach((row, i) => {
      if ([1, 3, 4].includes(i)) {
        expect(row[pi]).toBe('');
        expect(row[di]).toBe('');
        expect(row[ei]).toMatch(new RegExp(`column '${numeric}'.*float32`));
      } else {
        expect(Number(row[pi])).toBeGreaterThanOrEqual(0);
        expect(row[ei]).toBe('');
      }
    });
  });
});
