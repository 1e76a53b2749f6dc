import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AdvancedSymplecticOptimizer, HamiltonianNN, fit, parseCsv, prepareTable } from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';
import { DataError, ModelFormatError, loadScorer, loadScorerSync } from '../../src/score/index.js';
import { ROOT, tempDir } from '../cli/helpers.js';

const table = parseCsv(readFileSync(join(ROOT, 'data', 'lending_club.csv'), 'utf8'));
const prep = prepareTable(table, { target: 'Class', positive: 'bad', seed: 5 });
const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [64, 32], seed: 5 });
await fit(model, new AdvancedSymplecticOptimizer(model.parameters()), prep.train, { epochs: 2, seed: 5 });
model.eval();
const bytes = encodeModel(model, { preprocessor: prep.preprocessor.toJSON() });
const records = table.rows.slice(0, 300).map((r) => Object.fromEntries(table.columns.map((c, j) => [c, r[j]])));

describe('edge scorer', () => {
  it('scores raw records exactly as the training model does, on the WASM and the JS engine', async () => {
    const enc = prep.preprocessor.transform(
      table,
      Array.from({ length: 300 }, (_, i) => i),
    );
    const expected = model.predictProba(enc.x, enc.rows);
    for (const engine of ['wasm', 'js'] as const) {
      const s = await loadScorer(bytes, { engine });
      expect(s.engine).toBe(engine);
      const batch = s.scoreBatch(records);
      for (let i = 0; i < 300; i++) {
        expect(Math.abs(batch[i] - expected[i])).toBeLessThan(1e-5);
        if (i < 20) expect(Math.abs(s.score(records[i]) - expected[i])).toBeLessThan(1e-5);
      }
    }
  });

  it("a record's probability is the same bits alone and in a batch of any size (WASM and JS)", () => {
    // 300 rows: chunks of 256 and 44; cuts below put a record at every position of a batch of 1 to 9, 257 or 263 rows,
    // where a few rows once took dot products (another summation order) and printed a different sixth decimal.
    const wide = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [2000, 8], seed: 2 }); // wider than sgemm’s column block of 1,536: packed whole
    for (const m of [bytes, encodeModel(wide, { preprocessor: prep.preprocessor.toJSON() })]) {
      for (const engine of ['wasm', 'js'] as const) {
        const s = loadScorerSync(m, { engine });
        const all = s.scoreBatch(records);
        for (const size of [1, 2, 3, 5, 7, 8, 9, 257, 263]) {
          for (let from = 0; from < records.length; from += size) {
            const part = s.scoreBatch(records.slice(from, from + size));
            expect(Array.from(part), `${engine}, a batch of ${size} from record ${from}`).toEqual(Array.from(all.subarray(from, from + size)));
          }
        }
        for (let i = 0; i < 40; i++) expect(s.score(records[i])).toBe(all[i]);
      }
    }
  });

  it('reason codes are the features whose actual value raises P(bad) most vs their typical value', () => {
    const s = loadScorerSync(bytes);
    const r = s.explain(records[7], 3);
    expect(r.probability).toBeCloseTo(s.score(records[7]), 6);
    expect(r.reasons!.length).toBeLessThanOrEqual(3);
    for (let i = 0; i < r.reasons!.length; i++) {
      const reason = r.reasons![i];
      expect(reason.contribution).toBeGreaterThan(0);
      if (i) expect(reason.contribution).toBeLessThanOrEqual(r.reasons![i - 1].contribution);
      // Re-score with that feature at its typical value: the probability drops by the contribution.
      const spec = s.preprocessor.features.find((f) => f.name === reason.feature)!;
      const typical = spec.kind === 'numeric' ? spec.median : spec.mode;
      expect(s.score({ ...records[7], [reason.feature]: typical })).toBeCloseTo(r.probability - reason.contribution, 5);
    }
  });

  it('bad records name the column (and the record index in batches); bad files are ModelFormatErrors', () => {
    const s = loadScorerSync(bytes);
    expect(() => s.score({ ...records[0], int_rate: 'high' })).toThrow(DataError);
    expect(() => s.score({ ...records[0], int_rate: 'high' })).toThrow(/column 'int_rate': 'high' is not a number/);
    expect(() => s.scoreBatch([records[0], { ...records[1], annual_inc: 'lots' }])).toThrow(/record 1, column 'annual_inc'/);
    expect(s.score({ ...records[0], emp_length: null })).toBeGreaterThan(0); // missing → imputed
    expect(() => loadScorerSync(bytes.subarray(0, 100))).toThrow(ModelFormatError);
    const bare = encodeModel(model);
    expect(() => loadScorerSync(bare)).toThrow(/no preprocessor/);
  });

  it('runs with code generation from strings disallowed (no eval, no new Function)', () => {
    const dir = tempDir();
    const modelPath = join(dir, 'm.safetensors');
    writeFileSync(modelPath, bytes);
    const script = `
      import { readFileSync, writeFileSync } from 'node:fs';
      import { loadScorer } from ${JSON.stringify(join(ROOT, 'dist', 'score', 'index.js'))};
      const s = await loadScorer(new Uint8Array(readFileSync(${JSON.stringify(modelPath)})));
      console.log(JSON.stringify({ p: s.score(${JSON.stringify(records[0])}), engine: s.engine }));`;
    const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.engine).toBe('wasm');
    expect(Math.abs(out.p - loadScorerSync(bytes).score(records[0]))).toBeLessThan(1e-6);
  });
});
