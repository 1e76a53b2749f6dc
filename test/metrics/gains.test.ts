import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gainsTable, ksStatistic, UsageError } from '../../src/index.js';

describe('gainsTable', () => {
  it('a small case by hand: 10 rows, 5 bands', () => {
    const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
    const labels = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0];
    const g = gainsTable(labels, scores, 5);
    expect(g.map((b) => b.positives)).toEqual([2, 1, 0, 1, 0]);
    expect(g[0]).toMatchObject({
      band: 1,
      rows: 2,
      positiveRate: 1,
      minScore: 0.8,
      maxScore: 0.9,
      cumulativeRowShare: 0.2,
      cumulativePositiveShare: 0.5,
      lift: 2.5,
    });
    expect(g[0].remainingPositiveRate).toBeCloseTo(2 / 8, 12);
    expect(g[1].ks).toBeCloseTo(3 / 4 - 1 / 6, 12);
    expect(g[4].cumulativePositiveShare).toBe(1);
    expect(g[4].remainingPositiveRate).toBe(0);
  });
  it('properties: bands partition the rows, scores descend across bands, and with distinct scores and one row per band the largest ks is the KS statistic', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 2, maxLength: 60 }), (rows) => {
        const labels: number[] = rows.map(([l]) => (l ? 1 : 0));
        const scores = rows.map(([, s]) => s);
        const bands = Math.min(rows.length, 7);
        const g = gainsTable(labels, scores, bands);
        expect(g.reduce((a, b) => a + b.rows, 0)).toBe(rows.length);
        expect(g.reduce((a, b) => a + b.positives, 0)).toBe(labels.reduce((a, b) => a + b, 0));
        for (let b = 1; b < g.length; b++) expect(g[b].maxScore).toBeLessThanOrEqual(g[b - 1].minScore);
        if (new Set(scores).size === scores.length && labels.some((l) => l) && labels.some((l) => !l)) {
          const fine = gainsTable(labels, scores, rows.length);
          expect(Math.max(...fine.map((b) => Math.abs(b.ks)))).toBeCloseTo(ksStatistic(labels, scores), 12); // ksStatistic is max |TPR − FPR|
        }
      }),
    );
  });
  it('refuses mismatched lengths and impossible band counts', () => {
    expect(() => gainsTable([1, 0], [0.5], 1)).toThrow(UsageError);
    expect(() => gainsTable([1, 0], [0.5, 0.2], 3)).toThrow(/bands must be an integer in \[1, 2\]/);
  });
});
