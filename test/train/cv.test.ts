/**
 * Cross-validation: folds partition the rows (stratified, grouped, forward-chaining in time), every candidate sees
 * identical folds, the preprocessor is fitted on the training folds only, results do not depend on which folds run
 * together (what the CLI's workers rely on), and the summary's paired differences are per-fold differences.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { crossValidate, cvFolds, fitLogistic, forwardChainingFolds, logisticModel, parseCsv, summarizeCv, UsageError } from '../../src/index.js';

const table = parseCsv(readFileSync(new URL('../../data/credit_data.csv', import.meta.url), 'utf8'));
const base = { target: 'Status', positive: 'bad', seed: 3, folds: 4 } as const;

describe('cvFolds', () => {
  it('stratified: the test folds partition the rows, each with about the same bad rate', () => {
    const folds = cvFolds(table, base);
    const seen = new Uint8Array(table.rows.length);
    for (const f of folds) {
      for (const i of f.test) seen[i]++;
      expect(f.train.length + f.test.length).toBe(table.rows.length);
      const bad = [...f.test].filter((i) => table.rows[i][0] === 'bad').length / f.test.length;
      expect(bad).toBeCloseTo(0.28, 1);
    }
    expect(seen.every((v) => v === 1)).toBe(true);
  });
  it('grouped: no group is on both sides of a fold', () => {
    const j = table.columns.indexOf('Home');
    for (const f of cvFolds(table, { ...base, folds: 3, group: 'Home' })) {
      const train = new Set([...f.train].map((i) => table.rows[i][j]));
      for (const i of f.test) expect(train.has(table.rows[i][j])).toBe(false);
    }
  });
  it('forward-chaining: every fold trains only on periods before the ones it tests', () => {
    const periods = table.rows.map((_, i) => `20${10 + Math.floor((i * 8) / table.rows.length)}-01`);
    const folds = forwardChainingFolds(periods, 3);
    expect(folds).toHaveLength(3);
    folds.forEach((f, k) => {
      const lastTrain = Math.max(...[...f.train].map((i) => Date.parse(periods[i])));
      const firstTest = Math.min(...[...f.test].map((i) => Date.parse(periods[i])));
      expect(lastTrain).toBeLessThan(firstTest);
      if (k > 0) expect(f.train.length).toBeGreaterThan(folds[k - 1].train.length); // the window grows
    });
    expect(() => forwardChainingFolds(['2020-01', '2020-01', '2020-02'], 2)).toThrow(UsageError);
  });
});

describe('crossValidate', () => {
  const logistic = async (prep: Parameters<Parameters<typeof crossValidate>[2][string]>[0]) => logisticModel(fitLogistic(prep.train));
  it('running folds separately gives what running them together gives (the CLI workers)', async () => {
    const all = await crossValidate(table, base, { logistic });
    const parts = await Promise.all(
      [
        [0, 2],
        [1, 3],
      ].map((only) => crossValidate(table, { ...base, only }, { logistic })),
    );
    const merged = [...parts[0].logistic, ...parts[1].logistic].sort((a, b) => a.fold - b.fold);
    expect(merged).toEqual(all.logistic);
    expect(all.logistic.map((m) => m.fold)).toEqual([0, 1, 2, 3]);
    expect(all.logistic.reduce((n, m) => n + m.rows, 0)).toBe(table.rows.length);
  });
  it('summarizeCv: mean ± sd per metric, and paired differences to the reference fold by fold', async () => {
    const results = await crossValidate(table, base, {
      logistic,
      strong: async (prep) => logisticModel(fitLogistic(prep.train, { c: 100 })),
    });
    const s = summarizeCv(results, 'logistic');
    const d = results.strong.map((m, i) => m.auc - results.logistic[i].auc);
    expect(s.strong.vsReference!.auc.mean).toBeCloseTo(d.reduce((a, b) => a + b, 0) / d.length, 12);
    expect(s.strong.vsReference!.aucWins).toBe(d.filter((v) => v > 0).length);
    expect(s.logistic.vsReference).toBeUndefined();
    expect(s.logistic.auc.mean).toBeGreaterThan(0.8);
    expect(() => summarizeCv(results, 'nope')).toThrow(/no candidate named 'nope'/);
  });
});
