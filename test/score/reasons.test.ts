/**
 * Reason codes computed in batch (`reasonsEncoded`, what `score --reasons` uses) against the definition: score the
 * record with one feature at its typical value, rescore whole, rank the positive differences.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { HamiltonianNN, parseCsv, prepareTable } from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';
import { loadScorerSync } from '../../src/score/index.js';

const table = parseCsv(readFileSync(new URL('../../data/lending_club.csv', import.meta.url), 'utf8'));
const prep = prepareTable(table, { target: 'Class', positive: 'bad', seed: 3, applySmote: false });
const records = table.rows.slice(0, 300).map((r) => Object.fromEntries(table.columns.map((c, j) => [c, r[j]])));

describe.each([
  ['[16, 8], tanh', [16, 8], 'tanh'],
  ['no hidden layer', [], 'relu'],
] as const)('reasonsEncoded, %s', (_, hidden, activation) => {
  const model = new HamiltonianNN({ inputDim: prep.train.cols, hiddenDims: [...hidden], activation, seed: 5, backend: 'js' });
  for (const engine of ['wasm', 'js'] as const) {
    const scorer = loadScorerSync(encodeModel(model, { preprocessor: prep.preprocessor.toJSON() }), { engine });
    const typical = Object.fromEntries(scorer.preprocessor.features.map((f) => [f.name, f.kind === 'numeric' ? f.median : f.mode]));
    it(`${engine}: the batch's reasons are the definition's (occlude, rescore whole, rank), record by record`, () => {
      const x = scorer.preprocessor.transformRecords(records);
      const batch = scorer.reasonsEncoded(x, records.length, 4);
      let compared = 0;
      records.forEach((rec, i) => {
        const p = scorer.score(rec);
        const expected = scorer.features
          .map((name) => ({ name, contribution: p - scorer.score({ ...rec, [name]: typical[name] }) }))
          .filter((c) => c.contribution > 1e-6)
          .sort((a, b) => b.contribution - a.contribution)
          .slice(0, 4);
        const got = batch[i]!;
        // Names agree except where two contributions are within float32 noise of each other.
        for (let j = 0; j < expected.length; j++) {
          expect(got[j].contribution).toBeCloseTo(expected[j].contribution, 5);
          if (j + 1 >= expected.length || expected[j].contribution - expected[j + 1].contribution > 1e-5) expect(got[j].feature).toBe(expected[j].name);
          compared++;
        }
        expect(scorer.explain(rec, 4).reasons!.map((r) => r.feature)).toEqual(got.map((r) => r.feature));
      });
      expect(compared).toBeGreaterThan(300);
    });
    it(`${engine}: a record at every typical value has no reasons; k = 0 asks for none; explain's probability is score's`, () => {
      const x = scorer.preprocessor.transformRecord(typical);
      expect(scorer.reasonsEncoded(x, 1, 3)).toEqual([[]]);
      expect(scorer.reasonsEncoded(scorer.preprocessor.transformRecords(records.slice(0, 5)), 5, 0)).toEqual([[], [], [], [], []]);
      for (const rec of records.slice(0, 20)) expect(scorer.explain(rec).probability).toBe(scorer.score(rec));
    });
  }
});
