import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  approvalCurve,
  averagePrecision,
  brierScore,
  calibrationBins,
  calibrationSummary,
  chooseCutoff,
  classificationReport,
  confusionAt,
  evaluateScores,
  gainsTable,
  gini,
  ksStatistic,
  logLoss,
  prCurve,
  psi,
  rocAuc,
  rocCurve,
  thresholdForApprovalRate,
  youdenThreshold,
} from '../../src/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/sklearn.json', import.meta.url), 'utf8'));

describe('metrics agree with scikit-learn / SciPy fixtures', () => {
  for (const [i, c] of (fx.cases as any[]).entries()) {
    it(`case ${i} (${c.y.length} rows): AUC with ties, KS, AP, log loss, Brier, P/R/F1 binary·macro·weighted`, () => {
      expect(rocAuc(c.y, c.scores)).toBeCloseTo(c.auc, 12);
      expect(rocAuc(c.y, c.pred)).toBeCloseTo(c.auc_from_labels, 12);
      expect(ksStatistic(c.y, c.scores)).toBeCloseTo(c.ks, 12);
      expect(averagePrecision(c.y, c.scores)).toBeCloseTo(c.average_precision, 12);
      expect(
        logLoss(
          c.y,
          c.scores.map((s: number) => Math.min(0.99, Math.max(0.01, s))),
        ),
      ).toBeCloseTo(c.log_loss, 12);
      expect(brierScore(c.y, c.scores)).toBeCloseTo(c.brier, 12);
      const rep = classificationReport(confusionAt(c.y, c.pred, 0.5));
      expect(rep.accuracy).toBeCloseTo(c.accuracy, 12);
      for (const avg of ['binary', 'macro', 'weighted'] as const) {
        for (const k of ['precision', 'recall', 'f1'] as const) expect(rep[avg][k], `${avg} ${k}`).toBeCloseTo(c[avg][k], 12);
      }
      const ev = evaluateScores(c.y, c.scores, { aucFrom: 'labels', average: 'weighted' });
      expect(ev.auc).toBeCloseTo(c.auc_from_labels, 12);
      expect(ev.rocAuc).toBeCloseTo(c.auc, 12);
      expect(ev.f1).toBeCloseTo(c.weighted.f1, 12);
      expect(ev.gini).toBeCloseTo(2 * c.auc - 1, 12);
    });
  }

  it('zero_division = 1 when nothing is predicted positive (the original’s setting)', () => {
    const z = fx.zero_division;
    const rep = classificationReport(confusionAt(z.y, z.pred, 0.5), 1);
    for (const avg of ['binary', 'macro', 'weighted'] as const) {
      for (const k of ['precision', 'recall', 'f1'] as const) expect(rep[avg][k], `${avg} ${k}`).toBeCloseTo(z[avg][k], 12);
    }
    expect(classificationReport(confusionAt(z.y, z.pred, 0.5), 0).binary.precision).toBe(0);
  });
});

const labelled = fc
  .array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { minLength: 2, maxLength: 60 })
  .filter((xs) => xs.some(([y]) => y) && xs.some(([y]) => !y));

describe('AUC properties', () => {
  it('equals Mann–Whitney U / (n₊n₋) counted pairwise (ties count ½)', () => {
    fc.assert(
      fc.property(labelled, (xs) => {
        const y = xs.map(([b]) => (b ? 1 : 0));
        const s = xs.map(([, v]) => v / 20);
        let u = 0,
          np = 0,
          nn = 0;
        for (let i = 0; i < y.length; i++) {
          if (y[i]) np++;
          else nn++;
          if (!y[i]) continue;
          for (let j = 0; j < y.length; j++) if (!y[j]) u += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
        }
        expect(rocAuc(y, s)).toBeCloseTo(u / (np * nn), 12);
      }),
    );
  });

  it('is invariant under strictly increasing transforms, and AUC(1 − s) = 1 − AUC(s)', () => {
    fc.assert(
      fc.property(labelled, (xs) => {
        const y = xs.map(([b]) => (b ? 1 : 0));
        const s = xs.map(([, v]) => v / 20);
        const a = rocAuc(y, s);
        expect(
          rocAuc(
            y,
            s.map((v) => Math.exp(3 * v) - 7),
          ),
        ).toBeCloseTo(a, 12);
        expect(
          rocAuc(
            y,
            s.map((v) => 1 - v),
          ),
        ).toBeCloseTo(1 - a, 12);
      }),
    );
  });

  it('ROC curve runs from (0,0) to (1,1) monotonically; KS = max |TPR − FPR|', () => {
    fc.assert(
      fc.property(labelled, (xs) => {
        const y = xs.map(([b]) => (b ? 1 : 0));
        const s = xs.map(([, v]) => v / 20);
        const r = rocCurve(y, s);
        expect(r.fpr[0]).toBe(0);
        expect(r.tpr.at(-1)).toBe(1);
        expect(r.fpr.at(-1)).toBe(1);
        for (let i = 1; i < r.fpr.length; i++) {
          expect(r.fpr[i]).toBeGreaterThanOrEqual(r.fpr[i - 1]);
          expect(r.tpr[i]).toBeGreaterThanOrEqual(r.tpr[i - 1]);
        }
        expect(ksStatistic(y, s)).toBeCloseTo(Math.max(...r.tpr.map((t, i) => Math.abs(t - r.fpr[i]))), 12);
      }),
    );
  });
});

describe('one grouping of the scores for every ranking metric', () => {
  it("evaluateScores' AUC, KS and average precision are rocAuc's, ksStatistic's and averagePrecision's to the bit, and the curves end at (1, 1) — ties, ±∞ and ±0 among the scores", () => {
    const special = fc.constantFrom(Infinity, -Infinity, 0, -0, 1, 0.5);
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.boolean(),
            fc.oneof(
              fc.integer({ min: 0, max: 20 }).map((v) => v / 20),
              special,
            ),
          ),
          { minLength: 2, maxLength: 60 },
        ),
        (xs) => {
          const y = xs.map(([b]) => (b ? 1 : 0));
          const s = xs.map(([, v]) => v);
          const e = evaluateScores(
            y,
            s.map((v) => Math.min(1, Math.max(0, v))),
          );
          const clamped = s.map((v) => Math.min(1, Math.max(0, v)));
          expect(Object.is(e.rocAuc, rocAuc(y, clamped))).toBe(true);
          expect(Object.is(e.ks, ksStatistic(y, clamped))).toBe(true);
          expect(Object.is(e.prAuc, averagePrecision(y, clamped))).toBe(true);
          const roc = rocCurve(y, s);
          const positives = y.filter((v) => v).length;
          if (positives > 0 && positives < y.length) expect([roc.tpr.at(-1), roc.fpr.at(-1)]).toEqual([1, 1]);
          // one point per distinct score (−0 and 0 are one), thresholds decreasing after the first, +∞ (a score of +∞ repeats it)
          expect(roc.thresholds.length - 1).toBe(new Set(s.map((v) => (v === 0 ? 0 : v))).size);
          for (let i = 2; i < roc.thresholds.length; i++) expect(roc.thresholds[i]).toBeLessThan(roc.thresholds[i - 1]);
        },
      ),
    );
  });
});

describe('thresholds and PSI', () => {
  it("Youden's threshold maximises TPR − FPR; approval-rate threshold approves that share", () => {
    const y = [0, 0, 0, 1, 1, 1];
    const s = [0.1, 0.2, 0.6, 0.4, 0.7, 0.9];
    expect(youdenThreshold(y, s)).toBe(0.4);
    const scores = Array.from({ length: 100 }, (_, i) => i / 100);
    const t = thresholdForApprovalRate(scores, 0.7);
    expect(scores.filter((v) => v < t).length).toBe(70);
    expect(thresholdForApprovalRate(scores, 1)).toBe(Infinity);
  });

  it('PSI is 0 for identical samples, grows with shift, and matches a hand computation', () => {
    const a = Array.from({ length: 1000 }, (_, i) => (i % 100) / 100);
    expect(psi(a, a).psi).toBeCloseTo(0, 12);
    const shifted = a.map((v) => Math.min(0.999, v + 0.2));
    expect(psi(a, shifted).psi).toBeGreaterThan(0.25);
    // Two bins with shares e = [0.5, 0.5] and a = [0.2, 0.8]: (0.2−0.5)ln(0.4) + (0.8−0.5)ln(1.6).
    const r = psi([0, 0, 1, 1], [0, 1, 1, 1, 1], { edges: [-Infinity, 0.5, Infinity] });
    expect(r.psi).toBeCloseTo(-0.3 * Math.log(0.4) + 0.3 * Math.log(1.6), 12);
  });
});

describe('metrics refuse labels that are not a binary class', () => {
  // Each metric with labels: a 2, −1, 0.5 or NaN would be counted as one class or the other without a word.
  const metrics: Array<[string, (y: ArrayLike<number | boolean>, p: ArrayLike<number>) => unknown]> = [
    ['rocAuc', rocAuc],
    ['rocCurve', rocCurve],
    ['prCurve', prCurve],
    ['averagePrecision', averagePrecision],
    ['ksStatistic', ksStatistic],
    ['gini', gini],
    ['youdenThreshold', youdenThreshold],
    ['confusion', (y, p) => confusionAt(y, p, 0.5)],
    ['logLoss', logLoss],
    ['brierScore', brierScore],
    ['calibrationBins', (y, p) => calibrationBins(y, p, 2)],
    ['calibrationSummary', (y, p) => calibrationSummary(y, p, 2)],
    ['gainsTable', (y, p) => gainsTable(y, p, 2)],
    ['chooseCutoff', (y, p) => chooseCutoff({ rule: 'threshold', threshold: 0.5 }, y, p)],
    ['approvalCurve', (y, p) => approvalCurve(y, p, 3)],
    ['evaluateScores', (y, p) => evaluateScores(y as ArrayLike<number>, p)],
  ];
  const p = [0.1, 0.8, 0.3, 0.6];
  for (const [name, metric] of metrics) {
    it(name, () => {
      expect(() => metric([0, 1, 0, 1], p)).not.toThrow();
      expect(metric([false, true, false, true], p)).toEqual(metric([0, 1, 0, 1], p)); // booleans are the same classes
      expect(() => metric(Uint8Array.of(0, 1, 0, 1), p)).not.toThrow();
      for (const bad of [2, -1, 0.5, Number.NaN])
        expect(() => metric([0, 1, bad, 1], p), `${name} with ${bad}`).toThrow(`label at index 2 is ${bad}, expected 0 or 1 (or false / true)`);
      expect(() => metric([0, 1, 0], p), `${name}, 3 labels`).toThrow(`3 labels but 4`);
    });
  }
});
